import type { Handle } from '@sveltejs/kit';
import { config } from '../config';
import { safeRedirectTarget, type OtherSites } from '../http/redirect';
import { directory } from './directory';

/** Over https only https apps; a Gatehouse on plain http (a test, a laptop) may use http too. */
function protocolsFor(own: URL): string[] {
	return own.protocol === 'http:' ? ['https:', 'http:'] : ['https:'];
}

/**
 * After signing in, a person may be sent back to a protected app, or (with COOKIE_DOMAIN) to any
 * host under that domain: the cookie is theirs too. Nowhere else.
 */
async function appRedirectTargets(own: URL): Promise<OtherSites> {
	const hosts = (await directory()).apps.map((app) => app.host);
	return otherSitesFor(hosts, config().forwardAuth.cookieDomain, own);
}

/** Where a sign-in (password, second step, passkey, signup) sends the person: `redirectTo`, if safe. */
export async function afterSignIn(
	own: URL,
	redirectTo: string | null | undefined
): Promise<string> {
	// The apps matter only for an address on another site; a path needs no look-up.
	if (!redirectTo || redirectTo.startsWith('/')) return safeRedirectTarget(redirectTo);
	return safeRedirectTarget(redirectTo, undefined, await appRedirectTargets(own));
}

/** The app hosts (`host[:port]`, exactly), and any host that is or ends in `.domain`. */
export function otherSitesFor(hosts: string[], domain: string | null, own: URL): OtherSites {
	const known = new Set(hosts);
	return {
		protocols: protocolsFor(own),
		allows: (url) =>
			known.has(url.host) ||
			(domain !== null && (url.hostname === domain || url.hostname.endsWith(`.${domain}`)))
	};
}

/**
 * Without JavaScript the login form's answer is a redirect, and a page's `form-action` also
 * limits where a form's redirect may lead: on the sign-in and signup pages it lists exactly the
 * protected apps, so the way back to one is not blocked.
 */
const SIGN_IN_ROUTES = new Set(['/(public)/login', '/(public)/login/two-step', '/(public)/signup']);

export const appFormActions: Handle = async ({ event, resolve }) => {
	if (!SIGN_IN_ROUTES.has(event.route.id ?? '')) return resolve(event);
	const response = await resolve(event);
	const csp = response.headers.get('content-security-policy');
	const apps = (await directory()).apps;
	if (!csp || apps.length === 0) return response;
	const origins = [...new Set(apps.map((app) => app.host))].flatMap((host) =>
		protocolsFor(event.url).map((protocol) => `${protocol}//${host}`)
	);
	response.headers.set(
		'content-security-policy',
		csp.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`)
	);
	return response;
};
