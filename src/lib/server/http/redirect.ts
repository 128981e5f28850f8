import type { SessionEndReason } from '../store';

export const DEFAULT_AFTER_LOGIN = '/home';

const PROBE_ORIGIN = 'http://gatehouse.invalid';

/** Other sites a sign-in may return to: the protected apps (see `apps/redirect-targets.ts`). */
export interface OtherSites {
	/** `https:`, and `http:` too where Gatehouse itself is served over plain http. */
	protocols: readonly string[];
	/** Whether `url.host` (with its port, if any) is one of them. */
	allows(url: URL): boolean;
}

/**
 * Where to go after signing in: a path on this site, an absolute URL on one of `otherSites`, or
 * `fallback`. Anything else that could leave the site (`//x`, `/\x`, `https://x`,
 * `javascript:`, tabs or newlines that URL parsers drop, paths that normalise to `//x`,
 * `https://app@evil`) is refused, not repaired.
 */
export function safeRedirectTarget(
	raw: string | null | undefined,
	fallback = DEFAULT_AFTER_LOGIN,
	otherSites?: OtherSites
) {
	if (!raw || raw.length > 2000 || /[\\\s\p{Cc}]/u.test(raw)) return fallback;
	if (!raw.startsWith('/'))
		return otherSites ? otherSiteTarget(raw, otherSites, fallback) : fallback;
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

function otherSiteTarget(raw: string, sites: OtherSites, fallback: string): string {
	// Only the plain form: a scheme, `//`, the host; never userinfo, whose `@` hides the real host.
	if (!/^https?:\/\/[a-z0-9.:[\]-]+(?:[/?#]|$)/i.test(raw)) return fallback;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return fallback;
	}
	if (!sites.protocols.includes(url.protocol)) return fallback;
	return sites.allows(url) ? url.href : fallback;
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
