import { toUser, type User } from '../accounts/users';
import {
	sessionEndings,
	sessions,
	store,
	users,
	type SessionEndReason,
	type SessionRecord,
	type SessionTwoStep,
	type Transaction,
	type UserRecord
} from '../store';
import { recordEndings } from './session-endings';
import { activityResolutionMs, expiryOf } from './session-expiry';
import { isSessionToken, sessionIdFromToken } from './session-tokens';

export type Session = SessionRecord;

export interface SessionContext {
	ip: string;
	userAgent: string;
	remember: boolean;
	twoStep: SessionTwoStep;
}

/**
 * The person's password or sessions changed after their sign-in began: the session it would
 * have created belongs to credentials that are gone.
 */
export class CredentialsChangedError extends Error {
	override name = 'CredentialsChangedError';
	constructor() {
		super('Your account changed while you were signing in. Please sign in again.');
	}
}

/**
 * Adds a session for `user` as it was when their password was checked. In the same change it
 * checks that the user's credentials are still that version, so a sign-in that checked an old
 * password can never add a session after the password changed (or the sessions were ended).
 */
export async function createSession(
	tx: Transaction,
	token: string,
	user: Pick<UserRecord, 'id' | 'credentialVersion'>,
	context: SessionContext,
	now = Date.now()
): Promise<Session> {
	const current = await tx.of(users).get(user.id);
	if (!current || current.credentialVersion !== user.credentialVersion) {
		throw new CredentialsChangedError();
	}
	const session: Session = {
		id: sessionIdFromToken(token),
		userId: user.id,
		createdAt: new Date(now).toISOString(),
		lastActiveAt: new Date(now).toISOString(),
		expiresAt: expiryOf(now, now, context.remember).toISOString(),
		remember: context.remember,
		ip: context.ip.slice(0, 64),
		userAgent: context.userAgent.slice(0, 300),
		credentialVersion: current.credentialVersion,
		twoStep: context.twoStep
	};
	await tx.of(sessions).insert(session);
	return session;
}

export interface ValidatedSession {
	session: Session;
	user: User;
	/** The expiry moved, so the cookie should be sent again with the new date. */
	refreshed: boolean;
}

/** One look-up and no write on the common path: this runs on every request. */
export async function validateSessionToken(
	token: string,
	now = Date.now()
): Promise<ValidatedSession | null> {
	if (!isSessionToken(token)) return null;
	const found = await store().findSession(sessionIdFromToken(token));
	if (!found) return null;
	let { session } = found;
	// Expired sessions are swept in the background; until then they are simply refused.
	if (
		session.credentialVersion !== found.user.credentialVersion ||
		now >= Date.parse(session.expiresAt)
	) {
		return null;
	}
	const refreshed =
		now - Date.parse(session.lastActiveAt) >= activityResolutionMs(session.remember);
	if (refreshed) {
		session = {
			...session,
			lastActiveAt: new Date(now).toISOString(),
			expiresAt: expiryOf(Date.parse(session.createdAt), now, session.remember).toISOString()
		};
		store().recordActivity(session);
	}
	return { session, user: toUser(found.user), refreshed };
}

/** The person just proved a second factor (setting one up counts): their session passed it. */
export async function markTwoStepPassed(tx: Transaction, sessionId: string): Promise<void> {
	const session = await tx.of(sessions).get(sessionId);
	if (session && session.twoStep !== 'passed') {
		await tx.of(sessions).replace({ ...session, twoStep: 'passed' });
	}
}

export async function listUserSessions(userId: string): Promise<Session[]> {
	return store().of(sessions).listBy('userId', userId);
}

/**
 * Ends one session: logging out (no reason: the cookie goes with it), or ending one of your other
 * devices ('ended-elsewhere', which that device is told at its next request).
 */
export async function endSession(sessionId: string, reason?: SessionEndReason): Promise<void> {
	await store().update(async (tx) => {
		if ((await tx.of(sessions).remove(sessionId)) && reason) {
			await recordEndings(tx, [sessionId], reason);
		}
	});
}

export interface EndedSessions {
	/** The user as it is now, at its new credential version. */
	user: UserRecord;
	ended: number;
	/** The kept session, moved to the new version. */
	kept: Session | null;
}

/**
 * The one way to end a person's sessions: all of them, or all but `keepSessionId`. In the same
 * change the user moves to a new credential version (with `changes`, such as a new password
 * hash), so a sign-in that began before can no longer add a session, and each ended session's
 * `reason` is noted for the login page.
 */
export async function endSessionsOf(
	tx: Transaction,
	userId: string,
	options: {
		reason: SessionEndReason;
		keepSessionId?: string;
		changes?: Partial<UserRecord>;
	}
): Promise<EndedSessions | null> {
	const current = await tx.of(users).get(userId);
	if (!current) return null;
	const user: UserRecord = {
		...current,
		...options.changes,
		id: current.id,
		credentialVersion: current.credentialVersion + 1
	};
	await tx.of(users).replace(user);
	const writer = tx.of(sessions);
	const keep = options.keepSessionId ? await writer.get(options.keepSessionId) : undefined;
	const kept = keep?.userId === userId ? keep : undefined;
	const ended = await removeSessionsOf(tx, userId, options.reason, kept?.id);
	if (!kept) return { user, ended, kept: null };
	const moved = { ...kept, credentialVersion: user.credentialVersion };
	await writer.insert(moved);
	return { user, ended, kept: moved };
}

/**
 * Removes every session of a person (the one `keptId` names too: the caller puts it back),
 * noting why for the login page; returns how many ended, not counting the kept one.
 */
export async function removeSessionsOf(
	tx: Transaction,
	userId: string,
	reason: SessionEndReason,
	keptId?: string
): Promise<number> {
	const writer = tx.of(sessions);
	const endedIds = (await writer.listBy('userId', userId))
		.map((session) => session.id)
		.filter((id) => id !== keptId);
	await recordEndings(tx, endedIds, reason);
	await writer.removeBy('userId', userId);
	return endedIds.length;
}

/** Drops expired sessions and the notes of why sessions ended; run once a minute by the server. */
export async function removeExpiredSessions(now = Date.now()): Promise<number> {
	return store().update(async (tx) => {
		await tx.of(sessionEndings).removeExpired(new Date(now));
		return tx.of(sessions).removeExpired(new Date(now));
	});
}
