import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { User } from '../accounts/users';
import { loginUrlFor } from '../http/redirect';
import type { Session } from './sessions';

type GuardEvent = Pick<RequestEvent, 'locals' | 'url'>;

/**
 * Every load and action that needs a signed-in person calls this itself: a layout's load
 * does not run for form actions, so it cannot protect them.
 */
export function requireUser(event: GuardEvent): { user: User; session: Session } {
	const { user, session } = event.locals;
	if (!user || !session) {
		const { sessionEnded, sessionExpired } = event.locals;
		redirect(303, loginUrlFor(event.url, sessionEnded ?? (sessionExpired ? 'expired' : undefined)));
	}
	return { user, session };
}

/** Admin pages and actions: visitors go to login, signed-in non-admins get a 403. */
export function requireAdmin(event: GuardEvent): { user: User; session: Session } {
	const signedIn = requireUser(event);
	if (signedIn.user.role !== 'admin') error(403, 'This page is for admins only.');
	return signedIn;
}

/** For pages a signed-in person should not see again (login, signup). */
export function redirectSignedIn(event: GuardEvent, to = '/home'): void {
	if (event.locals.user) redirect(303, to);
}
