import {
	createSession,
	type Session,
	type SessionContext
} from '../../src/lib/server/auth/sessions';
import { generateSessionToken } from '../../src/lib/server/auth/session-tokens';
import { store, users } from '../../src/lib/server/store';

export interface StartedSession {
	token: string;
	session: Session;
}

/**
 * Signs a user in directly, as the login form would after checking the password: a fresh token
 * and a session at the user's current credential version, created at `now`.
 */
export async function startSession(
	userId: string,
	context: Partial<SessionContext> = {},
	now = Date.now()
): Promise<StartedSession> {
	const token = generateSessionToken();
	const session = await store().update(async (tx) => {
		const user = await tx.of(users).get(userId);
		if (!user) throw new Error(`No user ${userId}`);
		const full = {
			ip: '127.0.0.1',
			userAgent: 'vitest',
			remember: false,
			twoStep: 'not-used' as const,
			...context
		};
		return createSession(tx, token, user, full, now);
	});
	return { token, session };
}
