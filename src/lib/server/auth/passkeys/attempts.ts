import { config } from '../../config';
import { checkAndCount, COUNTER_CHANGE, lockCounter, takeBackHit } from '../../http/rate-limit';
import { store } from '../../store';

/*
 * A refused passkey sign-in counts against its address like a wrong password: the same rule and
 * the same counter (LOGIN_MAX_FAILURES_PER_IP), so trying passkeys is no way around that limit.
 * Each attempt is counted before it is checked and taken back when it succeeds, so attempts sent
 * all at once are limited like attempts sent in turn.
 */

export interface PasskeyAttempt {
	ip: string;
	at: number;
}

export async function beginPasskeyAttempt(
	ip: string,
	now = Date.now()
): Promise<{ blocked: number } | { attempt: PasskeyAttempt }> {
	const wait = await checkAndCount(config().limits.loginFailuresPerIp, ip, now);
	return wait > 0 ? { blocked: wait } : { attempt: { ip, at: now } };
}

/** The attempt signed someone in, or was never checked: it does not count. */
export async function passkeyAttemptDoesNotCount(attempt: PasskeyAttempt): Promise<void> {
	const rule = config().limits.loginFailuresPerIp;
	await store().update(
		async (tx) => takeBackHit(tx, await lockCounter(tx, rule, attempt.ip, attempt.at), attempt.at),
		COUNTER_CHANGE
	);
}
