import type { RequestEvent } from '@sveltejs/kit';
import { clientAddress } from '../http/client-address';
import { store, type SessionTwoStep, type Transaction, type UserRecord } from '../store';
import { clearSessionCookies, setSessionCookie } from './session-cookie';
import { generateSessionToken } from './session-tokens';
import { createSession, endSession, type SessionContext } from './sessions';

type SignInEvent = Pick<
	RequestEvent,
	'cookies' | 'url' | 'request' | 'getClientAddress' | 'platform' | 'locals'
>;

export function sessionContext(
	event: SignInEvent,
	remember: boolean,
	twoStep: SessionTwoStep
): SessionContext {
	return {
		remember,
		twoStep,
		ip: clientAddress(event),
		userAgent: event.request.headers.get('user-agent') ?? ''
	};
}

/**
 * Starts a fresh session (always a new token, so a planted cookie never becomes valid) for a user
 * whose credentials were just checked, and sets the cookie. A `gate` runs in the same change
 * first (using up a one-time code): when it says no, there is no session; when the session
 * cannot be made, the change rolls back and the code stays unused.
 */
export async function signIn(
	event: SignInEvent,
	user: Pick<UserRecord, 'id' | 'credentialVersion'>,
	remember: boolean,
	twoStep: SessionTwoStep,
	gate?: (tx: Transaction) => Promise<boolean>
): Promise<boolean> {
	const token = generateSessionToken();
	const session = await store().update(async (tx) => {
		if (gate && !(await gate(tx))) return null;
		return createSession(tx, token, user, sessionContext(event, remember, twoStep));
	});
	if (session) setSessionCookie(event, token, new Date(session.expiresAt));
	return session !== null;
}

export async function signOut(event: SignInEvent): Promise<void> {
	if (event.locals.session) await endSession(event.locals.session.id);
	clearSessionCookies(event);
}
