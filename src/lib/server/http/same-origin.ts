import { error, type RequestEvent } from '@sveltejs/kit';

/**
 * SvelteKit refuses cross-site form posts, but not other requests to a `+server.ts` endpoint.
 * An endpoint that changes data calls this itself: the request's Origin must be this site's.
 */
export function requireSameOrigin(event: Pick<RequestEvent, 'request' | 'url'>): void {
	const origin = event.request.headers.get('origin');
	if (origin !== event.url.origin) error(403, 'Cross-site requests are not allowed here.');
}
