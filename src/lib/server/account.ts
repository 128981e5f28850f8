import { dropUserChats } from './chat/chats';
import { hashPassword } from './password';
import {
	dropUserSessions,
	generateSessionToken,
	insertSession,
	type Session,
	type SessionContext
} from './session';
import { store } from './store';
import { countAdmins, LastAdminError } from './users';

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

export type NewSessionContext = SessionContext & { currentSessionId?: string };

/** Sets a new password, ends every session of the user and starts a fresh one for this device. */
export async function changePassword(
	userId: string,
	newPassword: string,
	context: NewSessionContext
): Promise<PasswordChange> {
	const change = await applyPasswordHash(userId, await hashPassword(newPassword), context);
	if (!change) throw new Error('A password change with a device must start a session');
	return change;
}

/**
 * Stores an already computed hash and ends every session of the user. With `context`, a fresh
 * session (new token) replaces the current one; without it (a reset link) nobody stays signed in.
 */
export async function applyPasswordHash(
	userId: string,
	passwordHash: string,
	context?: NewSessionContext
): Promise<PasswordChange | null> {
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
	// Any outstanding reset link dies with the old password.
	users.replace({ ...user, passwordHash, passwordReset: null });
	await users.save();
	if (!token || !session) return null;
	return { token, session, otherSessionsEnded: ended - (hadCurrent ? 1 : 0) };
}

/** Ends every session of a user and writes it; returns how many ended. */
export async function endAllSessions(userId: string): Promise<number> {
	const ended = dropUserSessions(userId);
	await store().sessions.save();
	return ended;
}

/**
 * Deletes the user and every session of theirs. The username becomes free at once. The last
 * admin cannot be deleted: the check and the removal happen with no `await` in between, so two
 * admins deleting (or demoting) each other at once cannot leave nobody in charge. A session
 * whose user is gone never validates, so here the order of the two writes does not matter.
 */
export async function deleteAccount(userId: string): Promise<void> {
	const { users, sessions } = store();
	const user = users.get(userId);
	if (!user) return;
	if (user.role === 'admin' && countAdmins() === 1) throw new LastAdminError();
	users.remove(userId);
	dropUserSessions(userId);
	try {
		await sessions.save();
	} catch (error) {
		// Nothing was written: put the user back so a later write does not delete them anyway.
		if (!users.get(userId)) users.insert(user);
		throw error;
	}
	await users.save();
	dropUserChats(userId);
	await store().chats.save();
}
