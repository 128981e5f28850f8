import type { Handle } from '@sveltejs/kit';
import {
	deleteSessionCookie,
	sessionCookieName,
	setSessionCookie,
	wasSignedIn
} from './session-cookie';
import { endingOf } from './session-endings';
import { validateSessionToken } from './sessions';

/**
 * Identifies the person behind the request: `locals.user` and `locals.session`, or null. It
 * refreshes or clears the cookie. Deciding what they may see is the routes' job.
 */
export const identify: Handle = async ({ event, resolve }) => {
	const token = event.cookies.get(sessionCookieName(event.url));
	event.locals.user = null;
	event.locals.session = null;
	event.locals.sessionCookie = token !== undefined;
	event.locals.sessionExpired = false;
	event.locals.sessionEnded = null;
	if (token === undefined) {
		event.locals.sessionExpired = wasSignedIn(event);
	} else {
		const result = await validateSessionToken(token);
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			if (result.refreshed) setSessionCookie(event, token, new Date(result.session.expiresAt));
		} else {
			deleteSessionCookie(event);
			event.locals.sessionExpired = true;
			// Only a cookie that failed pays for this look-up, never a signed-in request.
			event.locals.sessionEnded = await endingOf(token);
		}
	}
	return resolve(event);
};
