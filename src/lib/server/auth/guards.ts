import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { User } from '../accounts/users';
import { loginUrlFor } from '../http/redirect';
import type { Session } from './sessions';
import { twoStepRequiredFor } from './two-step/policy';

type GuardEvent = Pick<RequestEvent, 'locals' | 'url'>;

/** Where a person sets up their second factors; the only pages open before they have one. */
export const TWO_STEP_SETUP = '/account/two-step';

/**
 * The session has not passed a second step that REQUIRE_TWO_STEP asks of this person: they had
 * none when they signed in, or the rule came (a new setting, a promotion to admin) after.
 */
export function owesSecondStep(
	user: Pick<User, 'role'>,
	session: Pick<Session, 'twoStep'>
): boolean {
	if (session.twoStep === 'setup-required') return true;
	return session.twoStep === 'not-used' && twoStepRequiredFor(user.role);
}

function isTwoStepSetup(pathname: string): boolean {
	return pathname === TWO_STEP_SETUP || pathname.startsWith(`${TWO_STEP_SETUP}/`);
}

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
	// Someone the operator requires a second factor of reaches nothing else until they set one up.
	if (owesSecondStep(user, session) && !isTwoStepSetup(event.url.pathname)) {
		redirect(303, TWO_STEP_SETUP);
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
