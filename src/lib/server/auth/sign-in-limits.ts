import { config } from '../config';
import { clearHits, countHit, retryAfterSeconds, takeBackHit } from '../http/rate-limit';
import { limits, store, type Transaction } from '../store';

/*
 * The abuse limits of password checks and signups, in one place. Every attempt is counted in the
 * same change as the check, before the slow hashing starts, so attempts sent all at once are
 * limited exactly like attempts sent one by one (and, with PostgreSQL, wherever they land).
 */

export interface PasswordAttempt {
	username: string;
	ip: string;
	at: number;
}

export type Started<A> = { blocked: number } | { attempt: A };

/**
 * Starts a password check for `username` (a login, or the current password on the account page):
 * the seconds to wait, or the attempt, counted as a failure until `passwordRight`.
 */
export async function beginPasswordAttempt(
	username: string,
	ip: string,
	now = Date.now()
): Promise<Started<PasswordAttempt>> {
	const { loginFailuresPerUser: perUser, loginFailuresPerIp: perIp } = config().limits;
	return store().update(async (tx) => {
		const reader = tx.of(limits);
		const wait = Math.max(
			await retryAfterSeconds(reader, perUser, username, now),
			await retryAfterSeconds(reader, perIp, ip, now)
		);
		if (wait > 0) return { blocked: wait };
		await countHit(tx, perUser, username, now);
		await countHit(tx, perIp, ip, now);
		return { attempt: { username, ip, at: now } };
	});
}

/** The password was right: inside the change that acts on it, the attempt stops counting. */
export async function passwordRight(tx: Transaction, attempt: PasswordAttempt): Promise<void> {
	const { loginFailuresPerUser: perUser, loginFailuresPerIp: perIp } = config().limits;
	await clearHits(tx, perUser, attempt.username);
	await takeBackHit(tx, perIp, attempt.ip, attempt.at);
}

/** The password was never checked (the server was too busy): the attempt does not count. */
export async function abandonPasswordAttempt(attempt: PasswordAttempt): Promise<void> {
	const { loginFailuresPerUser: perUser, loginFailuresPerIp: perIp } = config().limits;
	await store().update(async (tx) => {
		await takeBackHit(tx, perUser, attempt.username, attempt.at);
		await takeBackHit(tx, perIp, attempt.ip, attempt.at);
	});
}

export interface SignupAttempt {
	ip: string;
	at: number;
}

/**
 * Starts a signup from `ip`: the seconds to wait, or the attempt. Every attempt counts, also one
 * refused because the name is taken, so the form cannot be used to list usernames quickly.
 */
export async function beginSignup(ip: string, now = Date.now()): Promise<Started<SignupAttempt>> {
	const rule = config().limits.signupsPerIp;
	return store().update(async (tx) => {
		const wait = await retryAfterSeconds(tx.of(limits), rule, ip, now);
		if (wait > 0) return { blocked: wait };
		await countHit(tx, rule, ip, now);
		return { attempt: { ip, at: now } };
	});
}

/** The server was too busy to try: the attempt does not count. */
export async function abandonSignup(attempt: SignupAttempt): Promise<void> {
	const rule = config().limits.signupsPerIp;
	await store().update((tx) => takeBackHit(tx, rule, attempt.ip, attempt.at));
}
