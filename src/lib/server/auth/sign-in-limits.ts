import { config } from '../config';
import {
	checkAndCount,
	clearHits,
	countHit,
	COUNTER_CHANGE,
	lockCounter,
	remainingAfterHit,
	retryAfterSeconds,
	takeBackHit,
	type Remaining
} from '../http/rate-limit';
import { store } from '../store';

/*
 * The abuse limits of password checks, second-step codes and signups, in one place. Every attempt is counted in the
 * same change as the check, before the slow hashing starts, so attempts sent all at once are
 * limited exactly like attempts sent one by one (and, with PostgreSQL, wherever they land).
 * Counters are always locked in the same order (the username's, then the address's).
 */

export interface PasswordAttempt {
	username: string;
	ip: string;
	at: number;
	/**
	 * What is left if this attempt fails, by whichever limit is nearer. It depends only on the
	 * counters, which count every username tried, so it is the same for a name nobody has.
	 */
	ifWrong: Remaining;
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
		// Sent together (PostgreSQL pipelines them), locked in this order.
		const [user, address] = await Promise.all([
			lockCounter(tx, perUser, username, now),
			lockCounter(tx, perIp, ip, now)
		]);
		const wait = Math.max(retryAfterSeconds(user, now), retryAfterSeconds(address, now));
		if (wait > 0) return { blocked: wait };
		await Promise.all([countHit(tx, user, now), countHit(tx, address, now)]);
		const [forUser, forAddress] = [remainingAfterHit(user, now), remainingAfterHit(address, now)];
		const ifWrong = forAddress.left < forUser.left ? forAddress : forUser;
		return { attempt: { username, ip, at: now, ifWrong } };
	}, COUNTER_CHANGE);
}

/** The password was right: the attempt stops counting, and the username's failures are cleared. */
export async function passwordRight(attempt: PasswordAttempt): Promise<void> {
	const { loginFailuresPerUser: perUser, loginFailuresPerIp: perIp } = config().limits;
	await store().update(async (tx) => {
		const [, address] = await Promise.all([
			clearHits(tx, perUser, attempt.username),
			lockCounter(tx, perIp, attempt.ip, attempt.at)
		]);
		await takeBackHit(tx, address, attempt.at);
	}, COUNTER_CHANGE);
}

/** The password was never checked (the server was too busy): the attempt does not count. */
export async function abandonPasswordAttempt(attempt: PasswordAttempt): Promise<void> {
	const { loginFailuresPerUser: perUser, loginFailuresPerIp: perIp } = config().limits;
	await store().update(async (tx) => {
		const [user, address] = await Promise.all([
			lockCounter(tx, perUser, attempt.username, attempt.at),
			lockCounter(tx, perIp, attempt.ip, attempt.at)
		]);
		await Promise.all([takeBackHit(tx, user, attempt.at), takeBackHit(tx, address, attempt.at)]);
	}, COUNTER_CHANGE);
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
	const wait = await checkAndCount(config().limits.signupsPerIp, ip, now);
	return wait > 0 ? { blocked: wait } : { attempt: { ip, at: now } };
}

/** The server was too busy to try: the attempt does not count. */
export async function abandonSignup(attempt: SignupAttempt): Promise<void> {
	const rule = config().limits.signupsPerIp;
	await store().update(
		async (tx) => takeBackHit(tx, await lockCounter(tx, rule, attempt.ip, attempt.at), attempt.at),
		COUNTER_CHANGE
	);
}

export interface CodeAttempt {
	userId: string;
	at: number;
	ifWrong: Remaining;
}

/**
 * Starts a second-step code check (authenticator or recovery code) for an account, counted as a
 * wrong code until `codeRight` (or `codeAttemptDoesNotCount`): guesses sent all at once are
 * limited like guesses sent in turn.
 */
export async function beginCodeAttempt(
	userId: string,
	now = Date.now()
): Promise<Started<CodeAttempt>> {
	const rule = config().limits.twoStepFailuresPerUser;
	return store().update(async (tx) => {
		const counter = await lockCounter(tx, rule, userId, now);
		const wait = retryAfterSeconds(counter, now);
		if (wait > 0) return { blocked: wait };
		await countHit(tx, counter, now);
		return { attempt: { userId, at: now, ifWrong: remainingAfterHit(counter, now) } };
	}, COUNTER_CHANGE);
}

/** The code was right: like a right password, it clears the account's wrong codes. */
export async function codeRight(attempt: CodeAttempt): Promise<void> {
	const rule = config().limits.twoStepFailuresPerUser;
	await store().update((tx) => clearHits(tx, rule, attempt.userId), COUNTER_CHANGE);
}

/** The code was never judged (a replay, a sign-in that could not finish): it does not count. */
export async function codeAttemptDoesNotCount(attempt: CodeAttempt): Promise<void> {
	const rule = config().limits.twoStepFailuresPerUser;
	await store().update(
		async (tx) =>
			takeBackHit(tx, await lockCounter(tx, rule, attempt.userId, attempt.at), attempt.at),
		COUNTER_CHANGE
	);
}
