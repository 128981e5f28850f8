import type { Cookies } from '@sveltejs/kit';

/**
 * Over https every cookie of ours carries the `__Host-` prefix: the browser then refuses it
 * unless it is Secure, host-only and Path=/, so a sibling subdomain or another app on the same
 * host cannot plant one. Plain http (local development) cannot use the prefix.
 */
export function cookieName(url: URL, base: string): string {
	return url.protocol === 'https:' ? `__Host-${base}` : base;
}

export function cookieOptions(url: URL): Parameters<Cookies['set']>[2] {
	return { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' };
}
