import type { RequestEvent } from '@sveltejs/kit';

const COOKIE = 'flash';

type FlashEvent = Pick<RequestEvent, 'cookies' | 'url'>;

/**
 * A one-time confirmation shown on the page an action redirects to ("Profile saved."). A cookie
 * rather than a query string, so a reload or a shared link does not show it again, and it works
 * without JavaScript.
 */
export function setFlash(event: FlashEvent, message: string): void {
	event.cookies.set(COOKIE, message, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		maxAge: 60
	});
}

export function takeFlash(event: FlashEvent): string | null {
	const message = event.cookies.get(COOKIE);
	if (message === undefined) return null;
	event.cookies.delete(COOKIE, { path: '/', secure: event.url.protocol === 'https:' });
	return message.slice(0, 200);
}
