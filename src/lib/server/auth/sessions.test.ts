import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { startSession } from '../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../tests/helpers/store';
import { everythingWritten, storedSessions, storedUser } from '../../../../tests/helpers/stored';
import { createUser, type User } from '../accounts/users';
import { sessions, store, users } from '../store';
import { generateSessionToken, sessionIdFromToken } from './session-tokens';
import {
	createSession,
	CredentialsChangedError,
	endSession,
	endSessionsOf,
	listUserSessions,
	removeExpiredSessions,
	validateSessionToken,
	type Session,
	type SessionContext
} from './sessions';

const getStore = useTempStore();

const SECOND = 1000;
const DAY = 86_400 * SECOND;
// The defaults of config/index.ts; no SESSION_* variables are set for the tests.
const IDLE = 600 * SECOND;
const ABSOLUTE = 43_200 * SECOND;
const REMEMBER_IDLE = 604_800 * SECOND;
const REMEMBER_ABSOLUTE = 2_592_000 * SECOND;
/** Every session here starts at this time: the tests pass the clock, they never wait. */
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const context: SessionContext = {
	ip: '203.0.113.7',
	userAgent: 'vitest',
	remember: false,
	twoStep: 'not-used'
};
const remembered: SessionContext = { ...context, remember: true };

let alice: User;

beforeEach(async () => {
	alice = await createUser('alice', 'correct horse battery staple');
});

async function start(
	userId = alice.id,
	sessionContext = context
): Promise<{ token: string; session: Session; t0: number }> {
	return { ...(await startSession(userId, sessionContext, T0)), t0: T0 };
}

const sessionsOnDisk = () => storedSessions(getStore().dataDir);
const sessionInStore = (id: string) => store().of(sessions).get(id);
const endSessionsOfUser = (userId: string, keepSessionId?: string) =>
	store().update((tx) =>
		endSessionsOf(tx, userId, { reason: 'signed-out-everywhere', keepSessionId })
	);

const iso = (ms: number): string => new Date(ms).toISOString();

describe('tokens', () => {
	it('are 32 lower-case base32 characters, different every time', () => {
		const tokens = Array.from({ length: 200 }, generateSessionToken);
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
		expect(new Set(tokens).size).toBe(tokens.length);
	});

	it('map to the hex SHA-256 of the token as the session id', () => {
		const token = generateSessionToken();
		expect(sessionIdFromToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
	});
});

describe('createSession', () => {
	it('stores only the SHA-256 of the token, and no file ever holds the token', async () => {
		const { token, session } = await start();
		const digest = createHash('sha256').update(token).digest('hex');
		expect(session.id).toBe(digest);
		const written = JSON.stringify(await everythingWritten(getStore().dataDir));
		expect(written).not.toContain(token);
		expect(written).toContain(digest);
		expect(await sessionsOnDisk()).toEqual([session]);
	});

	it('expires after the idle time, or a week for a remembered session', async () => {
		const short = await start();
		expect(short.session.remember).toBe(false);
		expect(short.session.createdAt).toBe(iso(T0));
		expect(short.session.lastActiveAt).toBe(short.session.createdAt);
		expect(Date.parse(short.session.expiresAt)).toBe(short.t0 + IDLE);

		const long = await start(alice.id, remembered);
		expect(long.session.remember).toBe(true);
		expect(Date.parse(long.session.expiresAt)).toBe(long.t0 + REMEMBER_IDLE);
	});

	it('keeps the address and user agent, cut to a sane length', async () => {
		const { session } = await start(alice.id, {
			ip: '1'.repeat(100),
			userAgent: 'u'.repeat(1000),
			remember: false,
			twoStep: 'not-used'
		});
		expect(session.ip).toBe('1'.repeat(64));
		expect(session.userAgent).toBe('u'.repeat(300));
		expect(session.userId).toBe(alice.id);
	});

	it('refuses credentials that changed after they were checked, and adds nothing', async () => {
		const checked = await store().of(users).get(alice.id);
		if (!checked) throw new Error('alice was not stored');
		await endSessionsOfUser(alice.id);
		const adding = store().update((tx) =>
			createSession(tx, generateSessionToken(), checked, context, T0)
		);
		await expect(adding).rejects.toThrow(CredentialsChangedError);
		expect(await store().of(sessions).count()).toBe(0);
		expect(await sessionsOnDisk()).toEqual([]);
	});
});

describe('validateSessionToken', () => {
	it('returns the session and the user, without the password hash', async () => {
		const { token, session, t0 } = await start();
		const result = await validateSessionToken(token, t0 + SECOND);
		expect(result).toEqual({ session, user: alice, refreshed: false });
		expect(result?.user).not.toHaveProperty('passwordHash');
	});

	it('returns null for garbage and for unknown tokens, and leaves real sessions alone', async () => {
		const { token, t0 } = await start();
		const garbage = [
			'',
			'x',
			token.toUpperCase(),
			token + 'a',
			token.slice(0, 31),
			token.slice(0, 31) + '1',
			token.slice(0, 31) + '=',
			' ' + token.slice(1),
			'a'.repeat(32),
			generateSessionToken(),
			sessionIdFromToken(token)
		];
		for (const candidate of garbage) expect(await validateSessionToken(candidate, t0)).toBeNull();
		expect(await store().of(sessions).count()).toBe(1);
		expect(await validateSessionToken(token, t0)).not.toBeNull();
	});

	it('is valid until its expiry, then returns null', async () => {
		const { token, session, t0 } = await start();
		const expiresAt = Date.parse(session.expiresAt);
		expect(await validateSessionToken(token, t0 + 30 * SECOND)).not.toBeNull();
		expect(await validateSessionToken(token, expiresAt)).toBeNull();
	});

	it('returns null far past the expiry too', async () => {
		const { token, t0 } = await start();
		expect(await validateSessionToken(token, t0 + 365 * DAY)).toBeNull();
	});

	it('refreshes activity after a minute, in memory only', async () => {
		const { token, session, t0 } = await start();

		const early = await validateSessionToken(token, t0 + 59_999);
		expect(early?.refreshed).toBe(false);
		expect(early?.session).toEqual(session);

		const later = await validateSessionToken(token, t0 + 60_000);
		expect(later?.refreshed).toBe(true);
		expect(later?.session.lastActiveAt).toBe(iso(t0 + 60_000));
		expect(later?.session.expiresAt).toBe(iso(t0 + 60_000 + IDLE));
		expect(later?.session.createdAt).toBe(session.createdAt);
		expect(await sessionInStore(session.id)).toEqual(later?.session);
		// Reading a page costs no disk write.
		expect(await sessionsOnDisk()).toEqual([session]);

		// The next minute counts from the new activity.
		expect((await validateSessionToken(token, t0 + 119_999))?.refreshed).toBe(false);
		expect((await validateSessionToken(token, t0 + 120_000))?.refreshed).toBe(true);
	});

	it('writes refreshed activity later, in a batch: at the latest when the store closes', async () => {
		const { token, session, t0 } = await start();
		const refreshed = (await validateSessionToken(token, t0 + 2 * 60_000))?.session;
		expect(refreshed?.lastActiveAt).not.toBe(session.lastActiveAt);
		expect(await sessionsOnDisk()).toEqual([session]);
		await getStore().close();
		expect(await sessionsOnDisk()).toEqual([refreshed]);
	});

	it('never extends a session past its absolute lifetime', async () => {
		const { token, t0 } = await start();
		for (let t = t0 + 500 * SECOND; t < t0 + ABSOLUTE; t += 500 * SECOND) {
			const result = await validateSessionToken(token, t);
			expect(result?.refreshed).toBe(true);
			expect(Date.parse(result?.session.expiresAt ?? '')).toBe(Math.min(t + IDLE, t0 + ABSOLUTE));
		}
		expect(await validateSessionToken(token, t0 + ABSOLUTE - 1)).not.toBeNull();
		expect(await validateSessionToken(token, t0 + ABSOLUTE)).toBeNull();
	});

	it('gives remembered sessions the longer idle and absolute lifetimes', async () => {
		const { token, t0 } = await start(alice.id, remembered);
		const dayLater = await validateSessionToken(token, t0 + DAY);
		expect(dayLater?.session.expiresAt).toBe(iso(t0 + DAY + REMEMBER_IDLE));
		for (const days of [7, 13, 19, 25]) {
			expect((await validateSessionToken(token, t0 + days * DAY))?.refreshed).toBe(true);
		}
		const capped = await validateSessionToken(token, t0 + 29 * DAY);
		expect(capped?.session.expiresAt).toBe(iso(t0 + REMEMBER_ABSOLUTE));
		expect(await validateSessionToken(token, t0 + REMEMBER_ABSOLUTE)).toBeNull();
	});

	it('refuses the session of a user who no longer exists', async () => {
		const { token, t0 } = await start();
		await store().update((tx) => tx.of(users).remove(alice.id));
		expect(await validateSessionToken(token, t0)).toBeNull();
	});
});

describe('ending sessions', () => {
	it('endSession removes one session, on disk before it returns', async () => {
		const first = await start();
		const second = await start();
		await endSession(first.session.id);
		expect(await validateSessionToken(first.token, first.t0)).toBeNull();
		expect(await validateSessionToken(second.token, second.t0)).not.toBeNull();
		expect((await sessionsOnDisk()).map((s) => s.id)).toEqual([second.session.id]);
		await expect(endSession(first.session.id)).resolves.toBeUndefined();
	});

	it('endSessionsOf keeps the given session and ends the rest of that user only', async () => {
		const bob = await createUser('bob', 'another long password');
		const kept = await start();
		const other1 = await start();
		const other2 = await start(alice.id, remembered);
		const bobs = await start(bob.id);

		const ended = await endSessionsOfUser(alice.id, kept.session.id);
		expect(ended).toMatchObject({ ended: 2, user: { id: alice.id, credentialVersion: 1 } });
		// The kept session moves to the new credentials, so it stays valid.
		const moved = { ...kept.session, credentialVersion: 1 };
		expect(ended?.kept).toEqual(moved);
		expect(await listUserSessions(alice.id)).toEqual([moved]);
		expect(await listUserSessions(bob.id)).toEqual([bobs.session]);
		expect(await validateSessionToken(kept.token, kept.t0)).not.toBeNull();
		expect(await validateSessionToken(other1.token, other1.t0)).toBeNull();
		expect(await validateSessionToken(other2.token, other2.t0)).toBeNull();
		expect((await sessionsOnDisk()).map((s) => s.id).sort()).toEqual(
			[kept.session.id, bobs.session.id].sort()
		);

		expect((await endSessionsOfUser(alice.id))?.ended).toBe(1);
		expect(await listUserSessions(alice.id)).toEqual([]);
		expect((await endSessionsOfUser(alice.id))?.ended).toBe(0);
		expect((await sessionsOnDisk()).map((s) => s.id)).toEqual([bobs.session.id]);
		// Every ending moved alice's credentials on, on disk too; bob's never moved.
		expect((await storedUser(getStore().dataDir, 'alice'))?.credentialVersion).toBe(3);
		expect((await storedUser(getStore().dataDir, 'bob'))?.credentialVersion).toBe(0);
	});

	it('endSessionsOf keeps nothing of another user and finds no one who does not exist', async () => {
		const bob = await createUser('bob', 'another long password');
		const bobs = await start(bob.id);
		expect(await endSessionsOfUser(alice.id, bobs.session.id)).toMatchObject({
			ended: 0,
			kept: null
		});
		expect(await validateSessionToken(bobs.token, bobs.t0)).not.toBeNull();
		expect(await endSessionsOfUser('no-such-user')).toBeNull();
	});
});

describe('removeExpiredSessions', () => {
	it('removes expired sessions, on disk before it returns', async () => {
		const short = await start();
		const long = await start(alice.id, remembered);
		expect(await removeExpiredSessions(short.t0 + IDLE + SECOND)).toBe(1);
		expect(await sessionInStore(short.session.id)).toBeUndefined();
		expect(await sessionInStore(long.session.id)).toEqual(long.session);
		expect(await sessionsOnDisk()).toEqual([long.session]);
	});

	it('removes sessions that validation found expired, which it left in place', async () => {
		const { token, session } = await start();
		const expiresAt = Date.parse(session.expiresAt);
		expect(await validateSessionToken(token, expiresAt)).toBeNull();
		expect(await sessionsOnDisk()).toEqual([session]);
		expect(await removeExpiredSessions(expiresAt - 1)).toBe(0);
		expect(await sessionsOnDisk()).toEqual([session]);
		expect(await removeExpiredSessions(expiresAt)).toBe(1);
		expect(await sessionsOnDisk()).toEqual([]);
		expect(await validateSessionToken(token, T0)).toBeNull();
	});
});
