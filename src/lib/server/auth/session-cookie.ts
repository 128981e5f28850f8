import type { RequestEvent } from '@sveltejs/kit';
import { cookieName, cookieOptions } from '../http/cookies';

type CookieEvent = Pick<RequestEvent, 'cookies' | 'url'>;

export function sessionCookieName(url: URL): string {
	return cookieName(url, 'session');
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
	event.cookies.set(cookieName(event.url, SIGNED_IN_HINT), '1', cookieOptions(event.url));
}

export function deleteSessionCookie(event: CookieEvent): void {
	event.cookies.delete(sessionCookieName(event.url), cookieOptions(event.url));
}

/** Forgets the session and the hint: after logging out, nothing has "expired". */
export function clearSessionCookies(event: CookieEvent): void {
	deleteSessionCookie(event);
	event.cookies.delete(cookieName(event.url, SIGNED_IN_HINT), cookieOptions(event.url));
}

export function wasSignedIn(event: CookieEvent): boolean {
	return event.cookies.get(cookieName(event.url, SIGNED_IN_HINT)) !== undefined;
}
