import {
	clearSealedCookie,
	readSealedCookie,
	setSealedCookie,
	type CookieEvent
} from '../../http/sealed-cookie';

/**
 * A sign-in whose password was right, waiting for its second step. It is no session: nothing
 * treats its holder as signed in. It lives in a sealed cookie (so any instance can finish it),
 * is bound to the credentials it checked, and lasts 5 minutes.
 */
export interface PendingSignIn {
	userId: string;
	credentialVersion: number;
	remember: boolean;
}

const NAME = 'two-step';
const PENDING_SIGN_IN_MS = 5 * 60_000;

export function setPendingSignIn(
	event: CookieEvent,
	pending: PendingSignIn,
	now = Date.now()
): void {
	setSealedCookie(event, NAME, pending, PENDING_SIGN_IN_MS, now);
}

export function readPendingSignIn(event: CookieEvent, now = Date.now()): PendingSignIn | null {
	const pending = readSealedCookie<PendingSignIn>(event, NAME, PENDING_SIGN_IN_MS, now);
	return pending && typeof pending.userId === 'string' ? pending : null;
}

export function clearPendingSignIn(event: CookieEvent): void {
	clearSealedCookie(event, NAME);
}
