import { error, type RequestEvent } from '@sveltejs/kit';
import { mayAddFactor, requireUserForEndpoint } from '../guards';

/**
 * The signed-in person adding a passkey, for the endpoints a script calls (statuses rather than
 * redirects), who may add a factor now.
 */
export async function requirePerson(event: Pick<RequestEvent, 'locals' | 'url'>): Promise<{
	user: ReturnType<typeof requireUserForEndpoint>['user'];
	session: ReturnType<typeof requireUserForEndpoint>['session'];
	sessionId: string;
}> {
	const { user, session } = requireUserForEndpoint(event);
	if (!(await mayAddFactor(user, session))) {
		error(403, 'Sign in again with your second factor before adding another.');
	}
	return { user, session, sessionId: session.id };
}
