/** Largest form body any page here accepts; anything bigger is refused before it is read. */
export const MAX_BODY_BYTES = 64 * 1024;

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

/** True when a request declares a body larger than we accept. */
export function bodyTooLarge(request: Request): boolean {
	const length = Number(request.headers.get('content-length') ?? 0);
	return Number.isFinite(length) && length > MAX_BODY_BYTES;
}
