import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { startServer } from '$lib/server/lifecycle';
import { validateSessionToken } from '$lib/server/session';
import {
	deleteSessionCookie,
	sessionCookieName,
	setSessionCookie,
	wasSignedIn
} from '$lib/server/session-cookie';
import { applySecurityHeaders, limitBody, payloadTooLarge } from '$lib/server/security-headers';
import { StoreWriteError } from '$lib/server/store';

export const init: ServerInit = startServer;

/** Identifies the person behind the request. Deciding what they may see is the routes' job. */
export const handle: Handle = async ({ event, resolve }) => {
	const limited = await limitBody(event.request);
	if (!limited) return payloadTooLarge(event.url.protocol === 'https:');
	event.request = limited;
	event.locals.user = null;
	event.locals.session = null;
	event.locals.sessionExpired = false;
	const token = event.cookies.get(sessionCookieName(event.url));
	if (token !== undefined) {
		const result = validateSessionToken(token);
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.refreshed) setSessionCookie(event, token, new Date(result.session.expiresAt));
		} else {
			deleteSessionCookie(event);
			event.locals.sessionExpired = true;
		}
	} else {
		event.locals.sessionExpired = wasSignedIn(event);
	}
	const response = await resolve(event);
	try {
		applySecurityHeaders(response.headers, {
			https: event.url.protocol === 'https:',
			personal:
				event.locals.user !== null || event.cookies.get(sessionCookieName(event.url)) !== undefined
		});
	} catch {
		// a response with immutable headers (a proxied fetch): leave it as it is
	}
	return response;
};

/** Never shows internals: the page gets a message and an id, the log gets the details. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	// SvelteKit's own 4xx (no such page, a JSON body sent to a form action): the request was
	// wrong, not the server, and its message says how; nothing worth a stack trace in the log.
	if (status < 500) return { message };
	const errorId = crypto.randomUUID().slice(0, 8);
	if (error instanceof StoreWriteError) {
		console.error(`[${errorId}] ${error.message}`);
		return { message: 'Your change could not be saved. Please try again.', errorId };
	}
	console.error(`[${errorId}]`, error);
	return { message: 'Something went wrong on our side.', errorId };
};
