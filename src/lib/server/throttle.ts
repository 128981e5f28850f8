import type { RequestEvent } from '@sveltejs/kit';
import { config } from './config';
import { invalid } from './forms';
import { describeWait, recordHit, retryAfterSeconds, clearHits } from './rate-limit';

/*
 * The abuse limits of login and signup in one place. The client address is the socket's unless
 * the operator configures adapter-node's ADDRESS_HEADER, so a forged X-Forwarded-For changes
 * nothing by default.
 */

type Event = Pick<RequestEvent, 'getClientAddress' | 'setHeaders'>;

function tooMany(event: Event, seconds: number, values: Record<string, string>) {
	event.setHeaders({ 'retry-after': String(seconds) });
	return invalid(
		`Too many attempts. Please try again in ${describeWait(seconds)}.`,
		values,
		{},
		429
	);
}

/** A 429 failure if this login may not even be tried now (even with the right password). */
export function loginBlocked(event: Event, username: string, values: Record<string, string>) {
	const { loginFailuresPerUser, loginFailuresPerIp } = config().limits;
	const wait = Math.max(
		retryAfterSeconds('login-user', username, loginFailuresPerUser),
		retryAfterSeconds('login-ip', event.getClientAddress(), loginFailuresPerIp)
	);
	return wait > 0 ? tooMany(event, wait, values) : null;
}

export async function recordLoginFailure(event: Event, username: string): Promise<void> {
	const { loginFailuresPerUser, loginFailuresPerIp } = config().limits;
	await recordHit('login-user', username, loginFailuresPerUser);
	await recordHit('login-ip', event.getClientAddress(), loginFailuresPerIp);
}

export async function recordLoginSuccess(username: string): Promise<void> {
	await clearHits('login-user', username);
}

export function signupBlocked(event: Event, values: Record<string, string>) {
	const wait = retryAfterSeconds(
		'signup-ip',
		event.getClientAddress(),
		config().limits.signupsPerIp
	);
	return wait > 0 ? tooMany(event, wait, values) : null;
}

export async function recordSignup(event: Event): Promise<void> {
	await recordHit('signup-ip', event.getClientAddress(), config().limits.signupsPerIp);
}
