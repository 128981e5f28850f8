/** The request the proxy is asking about, as its headers describe it. */
export interface OriginalRequest {
	url: URL;
	method: string;
	/**
	 * nginx's `auth_request` (which sends `X-Original-URL`) takes only 2xx, 401 and 403: it gets
	 * a 401 carrying the login URL, which its `error_page 401 =302` sends the browser to.
	 */
	nginx: boolean;
}

/**
 * nginx sends `X-Original-URL` (and `X-Original-Method`); Traefik's ForwardAuth and Caddy's
 * `forward_auth` send `X-Forwarded-Proto`, `-Host`, `-Uri` and `-Method`. Null when neither
 * describes a URL: the endpoint was not called by a proxy set up as the README shows.
 */
export function originalRequest(headers: Headers): OriginalRequest | null {
	const original = headers.get('x-original-url');
	if (original !== null) {
		const url = parse(original);
		const method = headers.get('x-original-method') ?? 'GET';
		return url && { url, method: method.toUpperCase(), nginx: true };
	}
	const host = headers.get('x-forwarded-host');
	if (host === null) return null;
	const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || 'https';
	if (proto !== 'http' && proto !== 'https') return null;
	const uri = headers.get('x-forwarded-uri') || '/';
	const url = uri.startsWith('/') ? parse(`${proto}://${host.split(',')[0]?.trim()}${uri}`) : null;
	const method = headers.get('x-forwarded-method') ?? 'GET';
	return url && { url, method: method.toUpperCase(), nginx: false };
}

/**
 * The WHATWG parser also resolves `.` and `..` segments (`%2e%2e` too), so `/wiki/../admin` is
 * judged as the `/admin` the app will serve, not as a page under `/wiki`.
 */
function parse(text: string): URL | null {
	try {
		const url = new URL(text);
		return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '' ? url : null;
	} catch {
		return null;
	}
}

/** A page load in a browser, which a redirect to the login page helps; anything else gets 401. */
export function isNavigation(method: string, accept: string | null): boolean {
	return (method === 'GET' || method === 'HEAD') && (accept ?? '').includes('text/html');
}
