import { error, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '../guards';

/**
 * The signed-in person, for the passkey endpoints a script calls: a 401 it can show instead of
 * the login page's redirect that `requireUser` gives pages and forms.
 */
export function requirePerson(event: Pick<RequestEvent, 'locals' | 'url'>) {
	if (!event.locals.user || !event.locals.session) error(401, 'Please sign in again.');
	const { user, session } = requireUser(event);
	return { user, sessionId: session.id };
}
