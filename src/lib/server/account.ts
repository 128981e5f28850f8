import { hashPassword } from './password';
import {
	dropUserSessions,
	generateSessionToken,
	insertSession,
	type Session,
	type SessionContext
} from './session';
import { store } from './store';

/*
 * Changes that span users.json and sessions.json. The sessions file is written first, and the
 * user record is changed in memory only after that write is on disk, so no other request's
 * write can carry the user change to disk ahead of it. A crash between the two writes therefore
 * leaves the person signed out, never an old session working with a new password or a deleted
 * account.
 */

export interface PasswordChange {
	token: string;
	session: Session;
	/** Sessions ended besides the one making the change. */
	otherSessionsEnded: number;
}

/**
 * Sets a new password and ends every session of the user. With `context`, a fresh session
 * (new token) replaces the current one; without it (a reset link), nobody stays signed in.
 */
export async function changePassword(
	userId: string,
	newPassword: string,
	context: SessionContext & { currentSessionId?: string }
): Promise<PasswordChange>;
export async function changePassword(userId: string, newPassword: string): Promise<null>;
export async function changePassword(
	userId: string,
	newPassword: string,
	context?: SessionContext & { currentSessionId?: string }
): Promise<PasswordChange | null> {
	const passwordHash = await hashPassword(newPassword);
	const { users, sessions } = store();
	if (!users.get(userId)) throw new Error(`No user ${userId}`);

	const hadCurrent = context?.currentSessionId
		? sessions.get(context.currentSessionId)?.userId === userId
		: false;
	const ended = dropUserSessions(userId);
	const token = context ? generateSessionToken() : null;
	const session = token && context ? insertSession(token, userId, context) : null;
	await sessions.save();

	const user = users.get(userId);
	if (!user) throw new Error(`User ${userId} was deleted during the password change`);
	users.replace({ ...user, passwordHash });
	await users.save();
	if (!token || !session) return null;
	return { token, session, otherSessionsEnded: ended - (hadCurrent ? 1 : 0) };
}

/** Deletes the user and every session of theirs. The username becomes free at once. */
export async function deleteAccount(userId: string): Promise<void> {
	const { users, sessions } = store();
	dropUserSessions(userId);
	await sessions.save();
	if (users.remove(userId)) await users.save();
}
