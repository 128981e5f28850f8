import type { RequestEvent } from '@sveltejs/kit';
import { clearSealedCookie, readSealedCookie, setSealedCookie } from '../../http/sealed-cookie';

type PendingEvent = Pick<RequestEvent, 'cookies' | 'url'>;

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
export const PENDING_SIGN_IN_MS = 5 * 60_000;

export function setPendingSignIn(
	event: PendingEvent,
	pending: PendingSignIn,
	now = Date.now()
): void {
	setSealedCookie(event, NAME, pending, PENDING_SIGN_IN_MS, now);
}

export function readPendingSignIn(event: PendingEvent, now = Date.now()): PendingSignIn | null {
	const pending = readSealedCookie(event, NAME, PENDING_SIGN_IN_MS, now) as PendingSignIn | null;
	return pending && typeof pending.userId === 'string' ? pending : null;
}

export function clearPendingSignIn(event: PendingEvent): void {
	clearSealedCookie(event, NAME);
}
