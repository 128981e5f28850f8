import type { RequestEvent } from '@sveltejs/kit';
import { sealWithTime, unsealWithTime } from '../config/sealed';
import { cookieName, cookieOptions } from './cookies';

export type CookieEvent = Pick<RequestEvent, 'cookies' | 'url'>;

/*
 * Short-lived values that travel from one request to the next in a cookie, sealed (AES-256-GCM,
 * a key for this cookie's name only) with the time: a half-done sign-in, a key being set up, a
 * link or codes to show once. The browser cannot read or change them, and a copy kept past
 * `lifetimeMs` is refused whatever the browser does with the cookie.
 */

export function setSealedCookie(
	event: CookieEvent,
	name: string,
	value: unknown,
	lifetimeMs: number,
	now = Date.now()
): void {
	event.cookies.set(cookieName(event.url, name), sealWithTime(name, value, now), {
		...cookieOptions(event.url),
		maxAge: lifetimeMs / 1000
	});
}

/** The value; undefined when there is no such cookie, null when it was tampered with or is too old. */
export function readSealedCookie<T>(
	event: CookieEvent,
	name: string,
	lifetimeMs: number,
	now = Date.now()
): T | null | undefined {
	const value = event.cookies.get(cookieName(event.url, name));
	// Sealed by us, so it has the shape we sealed: only a forger could change it, and cannot.
	return value === undefined
		? undefined
		: (unsealWithTime(name, value, lifetimeMs, now) as T | null);
}

export function clearSealedCookie(event: CookieEvent, name: string): void {
	event.cookies.delete(cookieName(event.url, name), cookieOptions(event.url));
}
