import type { Handle } from '@sveltejs/kit';

/**
 * Headers for every response the app renders. The Content-Security-Policy comes from
 * `kit.csp` in svelte.config.js (it needs per-response nonces); these are the rest.
 */
export function applySecurityHeaders(
	headers: Headers,
	{ https, personal }: { https: boolean; personal: boolean }
): void {
	headers.set('x-content-type-options', 'nosniff');
	headers.set('referrer-policy', headers.get('referrer-policy') ?? 'same-origin');
	headers.set('x-frame-options', 'DENY');
	headers.set('cross-origin-opener-policy', 'same-origin');
	headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
	if (https) headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
	// Pages for a signed-in person must never be kept by a browser or proxy cache.
	if (personal) headers.set('cache-control', 'no-store');
}

let stopping = false;

/**
 * Called when the process is asked to stop. adapter-node closes idle keep-alive connections at
 * that moment, but a connection busy with a response then stays open until its keep-alive
 * timeout after the response, holding up the exit by seconds: from now on each response says
 * `Connection: close`, so the last one ends the process.
 */
export function stopKeepingAlive(): void {
	stopping = true;
}

/** For a response that does not pass `responseHeaders` (the proxy's `/auth/verify`). */
export function closeWhenStopping(headers: Headers): void {
	if (stopping) headers.set('connection', 'close');
}

/** The headers every response gets on its way out. */
export const responseHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	try {
		applySecurityHeaders(response.headers, {
			https: event.url.protocol === 'https:',
			personal: event.locals.user !== null || event.locals.sessionCookie
		});
		closeWhenStopping(response.headers);
	} catch {
		// a response with immutable headers (a proxied fetch): leave it as it is
	}
	return response;
};
