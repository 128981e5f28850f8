import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from '../../../tests/helpers/store';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	invalidateUserSessions,
	listUserSessions,
	sessionIdFromToken,
	sweepSessions,
	validateSessionToken,
	type Session,
	type SessionContext
} from './session';
import { createUser, type User } from './users';

const getStore = useTempStore();

const SECOND = 1000;
const DAY = 86_400 * SECOND;
// The defaults of config.ts; no SESSION_* variables are set for the tests.
const IDLE = 600 * SECOND;
const ABSOLUTE = 43_200 * SECOND;
const REMEMBER_IDLE = 604_800 * SECOND;
const REMEMBER_ABSOLUTE = 2_592_000 * SECOND;

const context: SessionContext = { ip: '203.0.113.7', userAgent: 'vitest', remember: false };
const remembered: SessionContext = { ...context, remember: true };

let alice: User;

beforeEach(async () => {
	alice = await createUser('alice', 'correct horse battery staple');
});

async function start(
	userId = alice.id,
	sessionContext = context
): Promise<{ token: string; session: Session; t0: number }> {
	const token = generateSessionToken();
	const session = await createSession(token, userId, sessionContext);
	return { token, session, t0: Date.parse(session.createdAt) };
}

async function sessionsOnDisk(): Promise<Session[]> {
	const text = await fs.readFile(getStore().sessions.filePath, 'utf8');
	return (JSON.parse(text) as { sessions: Session[] }).sessions;
}

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
	it('stores only the SHA-256 of the token, and the file never holds the token', async () => {
		const { token, session } = await start();
		const digest = createHash('sha256').update(token).digest('hex');
		expect(session.id).toBe(digest);
		const text = await fs.readFile(getStore().sessions.filePath, 'utf8');
		expect(text).not.toContain(token);
		expect(text).toContain(digest);
		expect(await sessionsOnDisk()).toEqual([session]);
	});

	it('expires after the idle time, or a week for a remembered session', async () => {
		const short = await start();
		expect(short.session.remember).toBe(false);
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
			remember: false
		});
		expect(session.ip).toBe('1'.repeat(64));
		expect(session.userAgent).toBe('u'.repeat(300));
		expect(session.userId).toBe(alice.id);
	});
});

describe('validateSessionToken', () => {
	it('returns the session and the user, without the password hash', async () => {
		const { token, session, t0 } = await start();
		const result = validateSessionToken(token, t0 + SECOND);
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
		for (const candidate of garbage) expect(validateSessionToken(candidate, t0)).toBeNull();
		expect(getStore().sessions.size).toBe(1);
		expect(validateSessionToken(token, t0)).not.toBeNull();
	});

	it('is valid until its expiry, then returns null and removes the session', async () => {
		const { token, session, t0 } = await start();
		const expiresAt = Date.parse(session.expiresAt);
		expect(validateSessionToken(token, t0 + 30 * SECOND)).not.toBeNull();
		expect(validateSessionToken(token, expiresAt)).toBeNull();
		expect(getStore().sessions.get(session.id)).toBeUndefined();
		expect(validateSessionToken(token, t0)).toBeNull();
	});

	it('returns null far past the expiry too', async () => {
		const { token, session, t0 } = await start();
		expect(validateSessionToken(token, t0 + 365 * DAY)).toBeNull();
		expect(getStore().sessions.get(session.id)).toBeUndefined();
	});

	it('refreshes activity after a minute, in memory only', async () => {
		const { token, session, t0 } = await start();

		const early = validateSessionToken(token, t0 + 59_999);
		expect(early?.refreshed).toBe(false);
		expect(early?.session).toEqual(session);

		const later = validateSessionToken(token, t0 + 60_000);
		expect(later?.refreshed).toBe(true);
		expect(later?.session.lastActiveAt).toBe(iso(t0 + 60_000));
		expect(later?.session.expiresAt).toBe(iso(t0 + 60_000 + IDLE));
		expect(later?.session.createdAt).toBe(session.createdAt);
		expect(getStore().sessions.get(session.id)).toEqual(later?.session);
		// Reading a page costs no disk write.
		expect(await sessionsOnDisk()).toEqual([session]);

		// The next minute counts from the new activity.
		expect(validateSessionToken(token, t0 + 119_999)?.refreshed).toBe(false);
		expect(validateSessionToken(token, t0 + 120_000)?.refreshed).toBe(true);
	});

	it('never extends a session past its absolute lifetime', async () => {
		const { token, t0 } = await start();
		for (let t = t0 + 500 * SECOND; t < t0 + ABSOLUTE; t += 500 * SECOND) {
			const result = validateSessionToken(token, t);
			expect(result?.refreshed).toBe(true);
			expect(Date.parse(result?.session.expiresAt ?? '')).toBe(Math.min(t + IDLE, t0 + ABSOLUTE));
		}
		expect(validateSessionToken(token, t0 + ABSOLUTE - 1)).not.toBeNull();
		expect(validateSessionToken(token, t0 + ABSOLUTE)).toBeNull();
	});

	it('gives remembered sessions the longer idle and absolute lifetimes', async () => {
		const { token, t0 } = await start(alice.id, remembered);
		const dayLater = validateSessionToken(token, t0 + DAY);
		expect(dayLater?.session.expiresAt).toBe(iso(t0 + DAY + REMEMBER_IDLE));
		for (const days of [7, 13, 19, 25]) {
			expect(validateSessionToken(token, t0 + days * DAY)?.refreshed).toBe(true);
		}
		const capped = validateSessionToken(token, t0 + 29 * DAY);
		expect(capped?.session.expiresAt).toBe(iso(t0 + REMEMBER_ABSOLUTE));
		expect(validateSessionToken(token, t0 + REMEMBER_ABSOLUTE)).toBeNull();
	});

	it('ends the session of a user who no longer exists', async () => {
		const { token, session, t0 } = await start();
		getStore().users.remove(alice.id);
		expect(validateSessionToken(token, t0)).toBeNull();
		expect(getStore().sessions.get(session.id)).toBeUndefined();
	});
});

describe('ending sessions', () => {
	it('invalidateSession removes one session and writes the file', async () => {
		const first = await start();
		const second = await start();
		await invalidateSession(first.session.id);
		expect(validateSessionToken(first.token, first.t0)).toBeNull();
		expect(validateSessionToken(second.token, second.t0)).not.toBeNull();
		expect((await sessionsOnDisk()).map((s) => s.id)).toEqual([second.session.id]);
		await expect(invalidateSession(first.session.id)).resolves.toBeUndefined();
	});

	it('invalidateUserSessions keeps the given session and ends the rest of that user only', async () => {
		const bob = await createUser('bob', 'another long password');
		const kept = await start();
		const other1 = await start();
		const other2 = await start(alice.id, remembered);
		const bobs = await start(bob.id);

		expect(await invalidateUserSessions(alice.id, kept.session.id)).toBe(2);
		expect(listUserSessions(alice.id)).toEqual([kept.session]);
		expect(listUserSessions(bob.id)).toEqual([bobs.session]);
		expect(validateSessionToken(other1.token, other1.t0)).toBeNull();
		expect(validateSessionToken(other2.token, other2.t0)).toBeNull();
		expect((await sessionsOnDisk()).map((s) => s.id).sort()).toEqual(
			[kept.session.id, bobs.session.id].sort()
		);

		expect(await invalidateUserSessions(alice.id)).toBe(1);
		expect(listUserSessions(alice.id)).toEqual([]);
		expect(await invalidateUserSessions(alice.id)).toBe(0);
		expect((await sessionsOnDisk()).map((s) => s.id)).toEqual([bobs.session.id]);
	});
});

describe('sweepSessions', () => {
	it('removes expired sessions and writes the file', async () => {
		const short = await start();
		const long = await start(alice.id, remembered);
		await sweepSessions(short.t0 + IDLE + SECOND);
		expect(getStore().sessions.get(short.session.id)).toBeUndefined();
		expect(getStore().sessions.get(long.session.id)).toEqual(long.session);
		expect(await sessionsOnDisk()).toEqual([long.session]);
	});

	it('writes activity that validation refreshed in memory', async () => {
		const { token, session, t0 } = await start();
		const refreshed = validateSessionToken(token, t0 + 2 * 60_000)?.session;
		expect(refreshed?.lastActiveAt).not.toBe(session.lastActiveAt);
		await sweepSessions(t0 + 2 * 60_000);
		expect(await sessionsOnDisk()).toEqual([refreshed]);
	});

	it('writes sessions that validation found expired', async () => {
		const { token, session } = await start();
		expect(validateSessionToken(token, Date.parse(session.expiresAt))).toBeNull();
		expect(await sessionsOnDisk()).toEqual([session]);
		await sweepSessions(Date.parse(session.createdAt));
		expect(await sessionsOnDisk()).toEqual([]);
	});
});
