import { createHash, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { startSession } from '../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../tests/helpers/store';
import {
	everythingWritten,
	storedFingerprint,
	storedSessions,
	storedUser
} from '../../../../tests/helpers/stored';
import { verifyPassword } from '../auth/password';
import { listUserSessions } from '../auth/sessions';
import { deleteAccount } from './account-deletion';
import { changePassword } from './credentials';
import { createResetToken, findResetUser, resetPassword, resetPath } from './password-reset';
import { createUser, getUser, type User } from './users';

const getStore = useTempStore();

const PASSWORD = 'correct horse battery';
// The default of config/index.ts; PASSWORD_RESET_SECONDS is not set for the tests.
const LIFETIME_MS = 1800 * 1000;
const context = {
	ip: '203.0.113.7',
	userAgent: 'vitest',
	remember: false,
	twoStep: 'not-used' as const
};

let alice: User;
let bob: User;

beforeEach(async () => {
	alice = await createUser('alice', PASSWORD);
	bob = await createUser('bob', PASSWORD);
});

const bobOnDisk = () => storedUser(getStore().dataDir, 'bob');
const hashOf = async (userId: string) => (await getUser(userId))?.passwordHash ?? '';

const secretOf = (token: string) => token.slice(token.indexOf('.') + 1);
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

describe('createResetToken', () => {
	it('returns <user id>.<32 base32 characters>, a fresh secret each time', async () => {
		const tokens = [await createResetToken(bob.id), await createResetToken(bob.id)];
		for (const token of tokens) {
			expect(token).toMatch(new RegExp(`^${bob.id}\\.[a-z2-7]{32}$`));
		}
		expect(tokens[0]).not.toBe(tokens[1]);
		expect(resetPath(tokens[0] ?? '')).toBe(`/reset-password/${tokens[0]}`);
	});

	it('stores only the SHA-256 of the secret, on disk before it returns', async () => {
		const token = await createResetToken(bob.id);
		const written = JSON.stringify(await everythingWritten(getStore().dataDir));
		expect(written).not.toContain(secretOf(token));
		expect((await bobOnDisk())?.passwordReset?.secretHash).toBe(sha256Hex(secretOf(token)));
		expect((await storedUser(getStore().dataDir, 'alice'))?.passwordReset).toBeNull();
		expect(JSON.stringify(await getUser(bob.id))).not.toContain(secretOf(token));
	});

	it('expires a fixed time after creation, however often the link is looked at', async () => {
		const now = Date.parse('2026-03-01T12:00:00.000Z');
		const token = await createResetToken(bob.id, now);
		expect((await getUser(bob.id))?.passwordReset?.expiresAt).toBe(
			new Date(now + LIFETIME_MS).toISOString()
		);
		for (let t = now; t < now + LIFETIME_MS; t += LIFETIME_MS / 4) {
			expect((await findResetUser(token, t))?.id).toBe(bob.id);
		}
		expect((await findResetUser(token, now + LIFETIME_MS - 1))?.id).toBe(bob.id);
		expect(await findResetUser(token, now + LIFETIME_MS)).toBeNull();
	});

	it('replaces the earlier link of the same user, and leaves other users’ links alone', async () => {
		const first = await createResetToken(bob.id);
		const alices = await createResetToken(alice.id);
		const second = await createResetToken(bob.id);
		expect(await findResetUser(first)).toBeNull();
		expect((await findResetUser(second))?.id).toBe(bob.id);
		expect((await findResetUser(alices))?.id).toBe(alice.id);
	});

	it('refuses a user that does not exist', async () => {
		await expect(createResetToken(randomUUID())).rejects.toThrow(/No user/);
	});
});

describe('findResetUser', () => {
	it('finds the user for the exact token only', async () => {
		const token = await createResetToken(bob.id);
		const secret = secretOf(token);
		expect((await findResetUser(token))?.username).toBe('bob');
		const wrong = [
			'',
			secret,
			`.${secret}`,
			`${bob.id}.`,
			`${bob.id}${secret}`,
			`${bob.id}.${secret.toUpperCase()}`,
			`${bob.id}.${secret}a`,
			`${bob.id}.${secret.slice(1)}`,
			`${bob.id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`,
			`${bob.id}.${secret}\n`,
			`${alice.id}.${secret}`,
			`${randomUUID()}.${secret}`,
			`x.${bob.id}.${secret}`
		];
		for (const candidate of wrong) expect(await findResetUser(candidate), candidate).toBeNull();
	});

	it('finds nothing for a user without a link, or whose account was deleted', async () => {
		const token = await createResetToken(bob.id);
		expect(await findResetUser(`${alice.id}.${'a'.repeat(32)}`)).toBeNull();
		await deleteAccount(bob.id);
		expect(await findResetUser(token)).toBeNull();
	});
});

describe('resetPassword', () => {
	it('sets the password, ends every session of the user and works only once', async () => {
		const token = await createResetToken(bob.id);
		for (let i = 0; i < 2; i++) await startSession(bob.id, context);
		await startSession(alice.id, context);

		const reset = await resetPassword(token, 'a brand new password');
		expect(reset).toMatchObject({ id: bob.id, username: 'bob', passwordReset: null });
		expect(await listUserSessions(bob.id)).toEqual([]);
		expect(await listUserSessions(alice.id)).toHaveLength(1);
		const stored = await bobOnDisk();
		expect(stored).toEqual(reset);
		expect(await verifyPassword(stored?.passwordHash ?? '', 'a brand new password')).toBe(true);
		expect(stored?.passwordReset).toBeNull();
		const sessions = await storedSessions(getStore().dataDir);
		expect(sessions.map((session) => session.userId)).toEqual([alice.id]);

		const hash = await hashOf(bob.id);
		expect(await resetPassword(token, 'yet another password')).toBeNull();
		expect(await hashOf(bob.id)).toBe(hash);
	});

	it('lets exactly one of two simultaneous submissions of a link win', async () => {
		const token = await createResetToken(bob.id);
		const passwords = ['first new password', 'second new password'];
		const outcomes = await Promise.all(passwords.map((password) => resetPassword(token, password)));
		expect(outcomes.filter((outcome) => outcome !== null)).toHaveLength(1);
		const winner = passwords[outcomes.findIndex((outcome) => outcome !== null)] ?? '';
		const loser = passwords[outcomes.indexOf(null)] ?? '';
		const hash = (await bobOnDisk())?.passwordHash ?? '';
		expect(await verifyPassword(hash, winner)).toBe(true);
		expect(await verifyPassword(hash, loser)).toBe(false);
	});

	it('refuses an expired link and changes nothing', async () => {
		const token = await createResetToken(bob.id, Date.now() - LIFETIME_MS - 1);
		const before = await storedFingerprint(getStore().dataDir);
		expect(await resetPassword(token, 'a brand new password')).toBeNull();
		expect(await storedFingerprint(getStore().dataDir)).toBe(before);
		expect(await verifyPassword(await hashOf(bob.id), PASSWORD)).toBe(true);
	});

	it('refuses a link that a password change made in between has ended', async () => {
		const token = await createResetToken(bob.id);
		const { session } = await startSession(bob.id, context);
		await changePassword(bob.id, 'changed on the account page', {
			...context,
			currentSessionId: session.id
		});
		expect(await findResetUser(token)).toBeNull();
		expect(await resetPassword(token, 'a brand new password')).toBeNull();
		expect(await verifyPassword(await hashOf(bob.id), 'changed on the account page')).toBe(true);
	});
});
