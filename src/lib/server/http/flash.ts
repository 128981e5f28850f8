import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { keyFor } from '../config/secret-key';
import { cookieName, cookieOptions } from './cookies';

type FlashEvent = Pick<RequestEvent, 'cookies' | 'url'>;

const MAX_LENGTH = 200;

function signature(message: string): Buffer {
	return createHmac('sha256', keyFor('flash')).update(message).digest();
}

/**
 * A one-time confirmation shown on the page an action redirects to ("Profile saved."). A cookie
 * rather than a query string, so a reload or a shared link does not show it again, and it works
 * without JavaScript. It is signed: a cookie planted by anyone else is never shown.
 */
export function setFlash(event: FlashEvent, message: string): void {
	const text = message.slice(0, MAX_LENGTH);
	const value = `${Buffer.from(text).toString('base64url')}.${signature(text).toString('base64url')}`;
	event.cookies.set(cookieName(event.url, 'flash'), value, {
		...cookieOptions(event.url),
		maxAge: 60
	});
}

export function takeFlash(event: FlashEvent): string | null {
	const name = cookieName(event.url, 'flash');
	const value = event.cookies.get(name);
	if (value === undefined) return null;
	event.cookies.delete(name, cookieOptions(event.url));
	const [encoded = '', mac = ''] = value.split('.');
	const message = Buffer.from(encoded, 'base64url').toString('utf8');
	const given = Buffer.from(mac, 'base64url');
	const expected = signature(message);
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
	return message;
}
