import type { RequestEvent } from '@sveltejs/kit';
import { config } from '../config';
import { cookieName, cookieOptions } from '../http/cookies';

type CookieEvent = Pick<RequestEvent, 'cookies' | 'url'>;

/**
 * With COOKIE_DOMAIN the session cookie goes to that domain and its subdomains, so the proxy's
 * check sees it for every app there. `__Host-` forbids a Domain, so it is `__Secure-` then.
 */
export function sessionCookieName(url: URL): string {
	if (config().forwardAuth.cookieDomain && url.protocol === 'https:') return '__Secure-session';
	return cookieName(url, 'session');
}

function sessionCookieOptions(url: URL) {
	const domain = config().forwardAuth.cookieDomain;
	return { ...cookieOptions(url), ...(domain ? { domain } : {}) };
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
		...sessionCookieOptions(event.url),
		expires: expiresAt
	});
	event.cookies.set(cookieName(event.url, SIGNED_IN_HINT), '1', cookieOptions(event.url));
}

export function deleteSessionCookie(event: CookieEvent): void {
	event.cookies.delete(sessionCookieName(event.url), sessionCookieOptions(event.url));
}

/** Forgets the session and the hint: after logging out, nothing has "expired". */
export function clearSessionCookies(event: CookieEvent): void {
	deleteSessionCookie(event);
	event.cookies.delete(cookieName(event.url, SIGNED_IN_HINT), cookieOptions(event.url));
}

export function wasSignedIn(event: CookieEvent): boolean {
	return event.cookies.get(cookieName(event.url, SIGNED_IN_HINT)) !== undefined;
}
