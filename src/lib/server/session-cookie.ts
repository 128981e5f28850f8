import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { createSession, generateSessionToken, invalidateSession } from './session';

type CookieEvent = Pick<RequestEvent, 'cookies' | 'url'>;

/**
 * `__Host-` makes the browser refuse the cookie unless it is Secure, host-only and Path=/,
 * so a sibling subdomain cannot plant one. Plain http (local development) cannot use it.
 */
export function sessionCookieName(url: URL): string {
	return url.protocol === 'https:' ? '__Host-session' : 'session';
}

function cookieOptions(url: URL): Parameters<Cookies['set']>[2] {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' };
}

/**
 * Marks a browser that was signed in, until it closes. The session cookie expires with the
 * session, so without this an expired session would look like a first visit; with it the
 * login page can say "Your session expired". It holds nothing secret.
 */
const SIGNED_IN_HINT = 'signed-in';

/** The cookie expires with the server-side session, never after it. */
export function setSessionCookie(event: CookieEvent, token: string, expiresAt: Date): void {
	event.cookies.set(sessionCookieName(event.url), token, {
		...cookieOptions(event.url),
		expires: expiresAt
	});
	event.cookies.set(SIGNED_IN_HINT, '1', cookieOptions(event.url));
}

export function deleteSessionCookie(event: CookieEvent): void {
	event.cookies.delete(sessionCookieName(event.url), cookieOptions(event.url));
}

/** Forgets the session and the hint: after logging out, nothing has "expired". */
export function clearSessionCookies(event: CookieEvent): void {
	deleteSessionCookie(event);
	event.cookies.delete(SIGNED_IN_HINT, cookieOptions(event.url));
}

export function wasSignedIn(event: CookieEvent): boolean {
	return event.cookies.get(SIGNED_IN_HINT) !== undefined;
}

/** Starts a fresh session (always a new token, so a planted cookie never becomes valid). */
export async function signIn(
	event: RequestEvent,
	userId: string,
	remember: boolean
): Promise<void> {
	const token = generateSessionToken();
	const session = await createSession(token, userId, {
		remember,
		ip: event.getClientAddress(),
		userAgent: event.request.headers.get('user-agent') ?? ''
	});
	setSessionCookie(event, token, new Date(session.expiresAt));
}

export async function signOut(event: RequestEvent): Promise<void> {
	if (event.locals.session) await invalidateSession(event.locals.session.id);
	clearSessionCookies(event);
}
