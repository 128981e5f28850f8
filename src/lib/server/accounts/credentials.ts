import { hashPassword } from '../auth/password';
import { createSession, endSessionsOf, type Session, type SessionContext } from '../auth/sessions';
import { generateSessionToken } from '../auth/session-tokens';
import { sessions, store } from '../store';

export interface PasswordChange {
	token: string;
	session: Session;
	/** Sessions ended besides the one making the change. */
	otherSessionsEnded: number;
}

/**
 * Sets a new password, ends every session of the user and starts a fresh one (a new token) for
 * the device making the change, all in one change: no crash or concurrent sign-in can leave an
 * old session working with the new password.
 */
export async function changePassword(
	userId: string,
	newPassword: string,
	context: SessionContext & { currentSessionId: string }
): Promise<PasswordChange> {
	const passwordHash = await hashPassword(newPassword);
	const token = generateSessionToken();
	return store().update(async (tx) => {
		const current = await tx.of(sessions).get(context.currentSessionId);
		const ended = await endSessionsOf(tx, userId, {
			reason: 'password-changed',
			// Any outstanding reset link dies with the old password.
			changes: { passwordHash, passwordReset: null }
		});
		if (!ended) throw new Error(`No user ${userId}`);
		const session = await createSession(tx, token, ended.user, context);
		const hadCurrent = current?.userId === userId;
		return { token, session, otherSessionsEnded: ended.ended - (hadCurrent ? 1 : 0) };
	});
}

/** Signs a person out everywhere (an admin's action); returns how many sessions ended. */
export async function endAllSessions(userId: string): Promise<number> {
	return store().update(
		async (tx) => (await endSessionsOf(tx, userId, { reason: 'signed-out-everywhere' }))?.ended ?? 0
	);
}

/** Signs a person out of every session but the one asking; returns how many ended. */
export async function endOtherSessions(userId: string, keepSessionId: string): Promise<number> {
	return store().update(
		async (tx) =>
			(await endSessionsOf(tx, userId, { reason: 'signed-out-everywhere', keepSessionId }))
				?.ended ?? 0
	);
}
