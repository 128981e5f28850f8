import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { User } from '../accounts/users';
import { loginUrlFor } from '../http/redirect';
import type { Session } from './sessions';
import { hasSecondFactor } from './two-step/factors';
import { twoStepRequiredFor } from './two-step/policy';

type GuardEvent = Pick<RequestEvent, 'locals' | 'url'>;

/** Where a person sets up their second factors; the only pages open before they have one. */
export const TWO_STEP_SETUP = '/account/two-step';

/**
 * REQUIRE_TWO_STEP asks a second step of this person now, and their session has not passed one:
 * they had no factor when they signed in, or the rule came after (a new setting, a promotion to
 * admin). Read at every request, so turning the rule off (or a demotion) frees them at once.
 */
export function owesSecondStep(
	user: Pick<User, 'role'>,
	session: Pick<Session, 'twoStep'>
): boolean {
	return session.twoStep !== 'passed' && twoStepRequiredFor(user.role);
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

/**
 * For `+server.ts` endpoints a script calls: statuses it can show, where pages get redirects.
 * The same rules as `requireUser`: signed in, and past any second step the operator requires.
 */
export function requireUserForEndpoint(event: GuardEvent): { user: User; session: Session } {
	const { user, session } = event.locals;
	if (!user || !session) error(401, 'Please sign in again.');
	if (owesSecondStep(user, session) && !isTwoStepSetup(event.url.pathname)) {
		error(403, 'Set up two-step sign-in first: your team requires it.');
	}
	return { user, session };
}

/**
 * Whether this session may add a second factor. Not one that owes the second step of a factor
 * the person already has: it must sign in with that one, or a stolen password-only session could
 * add its own factor and pass.
 */
export async function mayAddFactor(
	user: Pick<User, 'id' | 'role'>,
	session: Session
): Promise<boolean> {
	return !owesSecondStep(user, session) || !(await hasSecondFactor(user.id));
}

/** How long after signing in a factor may be added without typing the password again. */
const FRESH_SIGN_IN_MS = 10 * 60_000;

/**
 * Adding a factor to a session older than that asks for the password first: a stolen session
 * cookie alone must not become a passkey or an app that outlives a password change.
 */
export function passwordNeededToAddFactor(
	session: Pick<Session, 'createdAt'>,
	now = Date.now()
): boolean {
	return now - Date.parse(session.createdAt) >= FRESH_SIGN_IN_MS;
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
