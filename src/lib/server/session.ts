import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { config } from './config';
import { store, type SessionRecord } from './store';
import { toUser, type User } from './users';

export type Session = SessionRecord;

export interface SessionContext {
	ip: string;
	userAgent: string;
	remember: boolean;
}

const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

/** 160 random bits, base32: the cookie value. Only its SHA-256 is ever stored. */
export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function digest(token: string): Uint8Array {
	return sha256(new TextEncoder().encode(token));
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(digest(token));
}

function lifetimes(remember: boolean) {
	return remember ? config().rememberedSession : config().session;
}

/**
 * Activity is recorded at most this often per session (a tenth of the idle timeout, at most a
 * minute), so reading a page costs no disk write and the expiry is never more than 10% early.
 */
function activityResolutionMs(remember: boolean): number {
	return Math.min(60_000, lifetimes(remember).idleSeconds * 100);
}

function expiryOf(createdAt: number, lastActiveAt: number, remember: boolean): Date {
	const { idleSeconds, absoluteSeconds } = lifetimes(remember);
	return new Date(Math.min(lastActiveAt + idleSeconds * 1000, createdAt + absoluteSeconds * 1000));
}

/** Adds a session in memory only; the caller saves (used where one change spans two files). */
export function insertSession(token: string, userId: string, context: SessionContext): Session {
	const now = Date.now();
	const session: Session = {
		id: sessionIdFromToken(token),
		userId,
		createdAt: new Date(now).toISOString(),
		lastActiveAt: new Date(now).toISOString(),
		expiresAt: expiryOf(now, now, context.remember).toISOString(),
		remember: context.remember,
		ip: context.ip.slice(0, 64),
		userAgent: context.userAgent.slice(0, 300)
	};
	store().sessions.insert(session);
	return session;
}

export async function createSession(
	token: string,
	userId: string,
	context: SessionContext
): Promise<Session> {
	const session = insertSession(token, userId, context);
	await store().sessions.save();
	return session;
}

/** The latest a session can last, however active: its absolute lifetime. */
export function absoluteExpiry(session: Session): Date {
	const { absoluteSeconds } = lifetimes(session.remember);
	return new Date(Date.parse(session.createdAt) + absoluteSeconds * 1000);
}

/**
 * How pages and forms name a session. Derived from the stored id (itself a token digest) one
 * way, so a page never shows what the server stores.
 */
export function publicSessionId(session: Session): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(`public:${session.id}`))).slice(0, 24);
}

export interface ValidatedSession {
	session: Session;
	user: User;
	/** The expiry moved, so the cookie should be sent again with the new date. */
	refreshed: boolean;
}

/** Synchronous and write-free on the common path: this runs on every request. */
export function validateSessionToken(token: string, now = Date.now()): ValidatedSession | null {
	if (!TOKEN_PATTERN.test(token)) return null;
	const hash = digest(token);
	const sessions = store().sessions;
	let session = sessions.get(encodeHexLowerCase(hash));
	// The look-up key is a digest an attacker cannot steer, so its timing reveals nothing about
	// tokens; the final comparison is constant-time all the same.
	if (!session || !constantTimeEqual(decodeHex(session.id), hash)) return null;
	const user = store().users.get(session.userId);
	if (!user || now >= Date.parse(session.expiresAt)) {
		// Removed in memory now; the housekeeping flush writes it (it is expired either way).
		sessions.remove(session.id);
		return null;
	}
	let refreshed = false;
	if (now - Date.parse(session.lastActiveAt) >= activityResolutionMs(session.remember)) {
		session = {
			...session,
			lastActiveAt: new Date(now).toISOString(),
			expiresAt: expiryOf(Date.parse(session.createdAt), now, session.remember).toISOString()
		};
		sessions.replace(session);
		refreshed = true;
	}
	return { session, user: toUser(user), refreshed };
}

export async function invalidateSession(sessionId: string): Promise<void> {
	const sessions = store().sessions;
	if (sessions.remove(sessionId)) await sessions.save();
}

/** Removes a user's sessions in memory only (all but `keepSessionId`); returns how many. */
export function dropUserSessions(userId: string, keepSessionId?: string): number {
	const sessions = store().sessions;
	let ended = 0;
	for (const session of listUserSessions(userId)) {
		if (session.id !== keepSessionId) {
			sessions.remove(session.id);
			ended++;
		}
	}
	return ended;
}

/** Ends every session of a user, optionally keeping one (the device making the change). */
export async function invalidateUserSessions(
	userId: string,
	keepSessionId?: string
): Promise<number> {
	const ended = dropUserSessions(userId, keepSessionId);
	if (ended > 0) await store().sessions.save();
	return ended;
}

export function listUserSessions(userId: string): Session[] {
	return [...store().sessions.values()].filter((session) => session.userId === userId);
}

/** Sessions checked per slice of the sweep, so 100,000 of them never block the loop at once. */
const SWEEP_SLICE = 5000;

/** Drops expired sessions and writes batched activity; run once a minute by the server. */
export async function sweepSessions(now = Date.now()): Promise<void> {
	const sessions = store().sessions;
	const all = [...sessions.values()];
	for (let start = 0; start < all.length; start += SWEEP_SLICE) {
		for (const session of all.slice(start, start + SWEEP_SLICE)) {
			if (now >= Date.parse(session.expiresAt) && sessions.get(session.id) === session) {
				sessions.remove(session.id);
			}
		}
		await new Promise((resolve) => setImmediate(resolve));
	}
	await sessions.flush();
}
