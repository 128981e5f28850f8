import type { SessionEndReason } from '../store';

export const DEFAULT_AFTER_LOGIN = '/home';

const PROBE_ORIGIN = 'http://gatehouse.invalid';

/**
 * Where to go after signing in: a path on this site, or `fallback`. Anything that could leave
 * the site (`//x`, `/\x`, `https://x`, `javascript:`, tabs or newlines that URL parsers drop,
 * paths that normalise to `//x`) is refused, not repaired.
 */
export function safeRedirectTarget(raw: string | null | undefined, fallback = DEFAULT_AFTER_LOGIN) {
	if (!raw || raw.length > 2000 || !raw.startsWith('/') || /[\\\s\p{Cc}]/u.test(raw)) {
		return fallback;
	}
	let url: URL;
	try {
		url = new URL(raw, PROBE_ORIGIN);
	} catch {
		return fallback;
	}
	const target = url.pathname + url.search + url.hash;
	if (url.origin !== PROBE_ORIGIN || target.startsWith('//')) return fallback;
	return target;
}

/** Why the login page is shown: the session timed out, or someone ended it. */
export type LoginReason = 'expired' | SessionEndReason;

/**
 * The login page, remembering where the visitor wanted to go: the page itself, never a form
 * action's `?/name` (after signing in, a GET there would only show the page under a strange URL).
 */
export function loginUrlFor(url: URL, reason?: LoginReason): string {
	const query = new URLSearchParams(
		[...url.searchParams].filter(([name, value]) => !(name.startsWith('/') && value === ''))
	).toString();
	const params = new URLSearchParams({ redirectTo: url.pathname + (query ? `?${query}` : '') });
	if (reason) params.set('reason', reason);
	return `/login?${params}`;
}
