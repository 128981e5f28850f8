import type { Handle, RequestEvent } from '@sveltejs/kit';
import { owesSecondStep, TWO_STEP_SETUP } from '../auth/guards';
import { identify } from '../auth/session-handle';
import { config } from '../config';
import { clientAddress } from '../http/client-address';
import { closeWhenStopping } from '../http/headers';
import { ADMINS_GROUP } from './groups';
import { allows } from './access-rules';
import { noteDenial } from './denials';
import { appFor, directory, visitorFor } from './directory';
import { isNavigation, originalRequest } from './original-request';

type VerifyEvent = Pick<
	RequestEvent,
	'request' | 'locals' | 'url' | 'getClientAddress' | 'platform'
>;

/** Never kept by the proxy or anyone else: the answer is about one person, now. */
function answer(status: number, headers: Record<string, string> = {}): Response {
	const response = new Response(null, {
		status,
		headers: { 'cache-control': 'no-store', ...headers }
	});
	closeWhenStopping(response.headers);
	return response;
}

/** Header values are bytes: a name such as "José" goes out as its UTF-8 bytes, as Authelia does. */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const VERIFY_PATH = '/auth/verify';

/**
 * Answers `GET`/`HEAD /auth/verify` as the first handle, with only the session looked up
 * (`identify`) on the way: it renders nothing and needs no other handle (no body to limit, no
 * page headers), and skipping them and SvelteKit's route handling saves about a fifth of its CPU
 * time per request, on the path every request of every protected app takes.
 */
export const answerVerify: Handle = ({ event, resolve }) => {
	const { method } = event.request;
	if (event.url.pathname !== VERIFY_PATH || (method !== 'GET' && method !== 'HEAD')) {
		return resolve(event);
	}
	return identify({ event, resolve: () => verifyRequest(event) });
};

/** Not through yet: a browser goes to `page` on Gatehouse, anything else gets 401. */
function toGatehouse(
	event: VerifyEvent,
	original: NonNullable<ReturnType<typeof originalRequest>>,
	page: URL
): Response {
	// nginx turns this 401 into a redirect to the Location (`error_page 401 =302`).
	if (original.nginx) return answer(401, { location: page.href });
	if (!isNavigation(original.method, event.request.headers.get('accept'))) return answer(401);
	return answer(302, { location: page.href });
}

/**
 * `GET /auth/verify`, asked by the reverse proxy before each request to a protected app: 200 with
 * who it is, 401 or a 302 to login for visitors, 403 for people the app's rule keeps out. It
 * reads the session (as every request does) and what is in memory; it writes nothing, except a
 * refusal to the audit trail now and then.
 */
async function verifyRequest(event: VerifyEvent): Promise<Response> {
	const original = originalRequest(event.request.headers);
	if (!original) return answer(400);
	const { user, session, sessionEnded, sessionExpired } = event.locals;
	const apps = await directory();
	const app = appFor(apps, original.url.host, original.url.pathname);
	const claimed = app !== undefined || config().forwardAuth.unclaimedHosts === 'signed-in';
	if (!claimed) {
		if (user) await noteDenial(user.username, undefined, original.url.host, clientAddress(event));
		return answer(403);
	}
	if (!user || !session) {
		const login = new URL('/login', config().origin ?? event.url.origin);
		login.searchParams.set('redirectTo', original.url.href);
		const reason = sessionEnded ?? (sessionExpired ? 'expired' : null);
		if (reason) login.searchParams.set('reason', reason);
		return toGatehouse(event, original, login);
	}
	// Someone REQUIRE_TWO_STEP holds at the setup page is not through the door anywhere else.
	if (owesSecondStep(user, session)) {
		return toGatehouse(
			event,
			original,
			new URL(TWO_STEP_SETUP, config().origin ?? event.url.origin)
		);
	}
	const visitor = visitorFor(apps, user, session);
	if (app && !allows(app.access, visitor)) {
		await noteDenial(user.username, app, original.url.host, clientAddress(event));
		return answer(403);
	}
	const groupNames = apps.groupNamesOf.get(user.id) ?? [];
	return answer(200, {
		'remote-user': user.username,
		// Sent even when empty: Caddy 2.6's copy_headers passes a header it did not get on as its
		// literal placeholder text; nginx drops an empty one.
		'remote-name': utf8(user.fullName),
		'remote-groups': (visitor.isAdmin ? [ADMINS_GROUP, ...groupNames] : groupNames).join(',')
	});
}
