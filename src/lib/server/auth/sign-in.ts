import type { RequestEvent } from '@sveltejs/kit';
import { clientAddress } from '../http/client-address';
import { store, type UserRecord } from '../store';
import { clearSessionCookies, setSessionCookie } from './session-cookie';
import { generateSessionToken } from './session-tokens';
import { createSession, endSession, type SessionContext } from './sessions';

type SignInEvent = Pick<
	RequestEvent,
	'cookies' | 'url' | 'request' | 'getClientAddress' | 'platform' | 'locals'
>;

export function sessionContext(event: SignInEvent, remember: boolean): SessionContext {
	return {
		remember,
		ip: clientAddress(event),
		userAgent: event.request.headers.get('user-agent') ?? ''
	};
}

/**
 * Starts a fresh session (always a new token, so a planted cookie never becomes valid) for a user
 * whose credentials were just checked, and sets the cookie.
 */
export async function signIn(
	event: SignInEvent,
	user: Pick<UserRecord, 'id' | 'credentialVersion'>,
	remember: boolean
): Promise<void> {
	const token = generateSessionToken();
	const session = await store().update((tx) =>
		createSession(tx, token, user, sessionContext(event, remember))
	);
	setSessionCookie(event, token, new Date(session.expiresAt));
}

export async function signOut(event: SignInEvent): Promise<void> {
	if (event.locals.session) await endSession(event.locals.session.id);
	clearSessionCookies(event);
}
