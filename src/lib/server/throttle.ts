import type { RequestEvent } from '@sveltejs/kit';
import { config } from './config';
import { invalid, invalidFor } from './forms';
import {
	clearHits,
	countHit,
	countRecentHits,
	describeWait,
	retryAfterSeconds,
	saveLimits,
	takeBack
} from './rate-limit';

/*
 * The abuse limits of password checks and signups, in one place. Every attempt is counted before
 * the slow hashing starts, in the same step as the check, so attempts sent all at once are
 * limited exactly like attempts sent one by one. The client address is the socket's unless the
 * operator configures adapter-node's ADDRESS_HEADER, so a forged X-Forwarded-For changes nothing.
 */

type Event = Pick<RequestEvent, 'getClientAddress' | 'setHeaders'>;

function tooMany(event: Event, seconds: number, values: Record<string, string>, form?: string) {
	event.setHeaders({ 'retry-after': String(seconds) });
	const message = `Too many attempts. Please try again in ${describeWait(seconds)}.`;
	return form ? invalidFor(form, message, values, {}, 429) : invalid(message, values, {}, 429);
}

export interface PasswordAttempt {
	username: string;
	ip: string;
	userHit: number;
	ipHit: number;
	/** Failures of this username already on record, which a right password clears. */
	clearsFailures: boolean;
}

/**
 * Starts a password check for `username` (a login, or the current password on the account
 * page): either the 429 to return, or the attempt, counted as a failure until `passwordRight`.
 */
export function beginPasswordAttempt(
	event: Event,
	username: string,
	values: Record<string, string>,
	form?: string
): { blocked: ReturnType<typeof invalid> } | { attempt: PasswordAttempt } {
	const { loginFailuresPerUser, loginFailuresPerIp } = config().limits;
	const ip = event.getClientAddress();
	const wait = Math.max(
		retryAfterSeconds('login-user', username, loginFailuresPerUser),
		retryAfterSeconds('login-ip', ip, loginFailuresPerIp)
	);
	if (wait > 0) return { blocked: tooMany(event, wait, values, form) };
	const clearsFailures = countRecentHits('login-user', username, loginFailuresPerUser) > 0;
	return {
		attempt: {
			clearsFailures,
			username,
			ip,
			userHit: countHit('login-user', username, loginFailuresPerUser),
			ipHit: countHit('login-ip', ip, loginFailuresPerIp)
		}
	};
}

/** The password was wrong: the counted failure stays, on disk. */
export async function passwordWrong(): Promise<void> {
	await saveLimits();
}

/**
 * The password was right: the attempt does not count, and the username's failures are cleared.
 * Only clearing earlier failures changes what is on disk; otherwise nothing needs writing.
 */
export async function passwordRight(attempt: PasswordAttempt): Promise<void> {
	clearHits('login-user', attempt.username);
	takeBack('login-ip', attempt.ip, attempt.ipHit);
	if (attempt.clearsFailures) await saveLimits();
}

/** Takes an attempt back without saving anything (it never reached the password check). */
export function abandonPasswordAttempt(attempt: PasswordAttempt): void {
	takeBack('login-user', attempt.username, attempt.userHit);
	takeBack('login-ip', attempt.ip, attempt.ipHit);
}

export interface SignupAttempt {
	ip: string;
	hit: number;
}

/** Starts a signup: the 429 to return, or the attempt, counted until `signupFailed`. */
export function beginSignup(
	event: Event,
	values: Record<string, string>
): { blocked: ReturnType<typeof invalid> } | { attempt: SignupAttempt } {
	const rule = config().limits.signupsPerIp;
	const ip = event.getClientAddress();
	const wait = retryAfterSeconds('signup-ip', ip, rule);
	if (wait > 0) return { blocked: tooMany(event, wait, values) };
	return { attempt: { ip, hit: countHit('signup-ip', ip, rule) } };
}

/** No account was created: the attempt does not count. */
export function signupFailed(attempt: SignupAttempt): void {
	takeBack('signup-ip', attempt.ip, attempt.hit);
}

export async function signupSucceeded(): Promise<void> {
	await saveLimits();
}
