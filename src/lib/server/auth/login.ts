import type { RequestEvent } from '@sveltejs/kit';
import { PASSWORD_MAX } from '$lib/limits';
import { findUserByUsername, getUser } from '../accounts/users';
import { audit } from '../audit/audit';
import { clientAddress } from '../http/client-address';
import type { UserRecord } from '../store';
import type { Remaining } from '../http/rate-limit';
import { HashQueueFullError, verifyAgainstDummy, verifyPassword } from './password';
import { signIn } from './sign-in';
import {
	abandonPasswordAttempt,
	beginPasswordAttempt,
	passwordRight,
	type PasswordAttempt
} from './sign-in-limits';
import { CredentialsChangedError } from './sessions';
import { hasSecondFactor } from './two-step/factors';
import type { PendingSignIn } from './two-step/pending-sign-in';
import { passwordOnlyState } from './two-step/policy';

type LoginEvent = Parameters<typeof signIn>[0] & Pick<RequestEvent, 'getClientAddress'>;

export type PasswordCheck =
	| { outcome: 'right'; attempt: PasswordAttempt }
	| { outcome: 'wrong'; remaining: Remaining | null }
	| { outcome: 'blocked'; retryAfter: number }
	| { outcome: 'busy'; message: string };

/**
 * Checks a password against the hash `user` resolves to (or a dummy one, so an unknown user
 * takes as long), counted by the sign-in limits before any hashing starts. The user is looked
 * up while the attempt is counted: with a database, two round trips at once instead of in turn.
 */
async function checkPassword(
	username: string,
	user: Promise<UserRecord | undefined>,
	password: string,
	ip: string
): Promise<PasswordCheck> {
	const [started, found] = await Promise.all([beginPasswordAttempt(username, ip), user]);
	if ('blocked' in started) return { outcome: 'blocked', retryAfter: started.blocked };
	const passwordHash = found?.passwordHash;
	let valid = false;
	try {
		// No password is longer than the maximum, so such a guess costs no hashing at all.
		if ([...password].length <= PASSWORD_MAX) {
			valid = passwordHash
				? await verifyPassword(passwordHash, password)
				: await verifyAgainstDummy(password);
		}
	} catch (error) {
		if (!(error instanceof HashQueueFullError)) throw error;
		await abandonPasswordAttempt(started.attempt);
		return { outcome: 'busy', message: error.message };
	}
	return valid
		? { outcome: 'right', attempt: started.attempt }
		: { outcome: 'wrong', remaining: started.attempt.ifWrong };
}

export type LoginResult =
	| Exclude<PasswordCheck, { outcome: 'right' }>
	| { outcome: 'signed-in' }
	| { outcome: 'changed' }
	/** The password was right; the person's second factor comes next (`/login/two-step`). */
	| { outcome: 'second-step'; pending: PendingSignIn };

/** Logs in with a username (already normalised) and password, setting the session cookie. */
export async function logIn(
	event: LoginEvent,
	username: string,
	password: string,
	remember: boolean
): Promise<LoginResult> {
	const ip = clientAddress(event);
	// The user as it is before the slow check: the session is only made if it is still so after.
	const lookup = findUserByUsername(username);
	// Asked while the password is hashed, so a sign-in waits no longer for it.
	const secondFactor = lookup.then((found) => (found ? hasSecondFactor(found.id) : false));
	// Not awaited when the password is wrong: its failure then belongs to nobody.
	secondFactor.catch(() => undefined);
	const check = await checkPassword(username, lookup, password, ip);
	const user = await lookup;
	if (check.outcome !== 'right' || !user) {
		if (check.outcome === 'wrong') {
			await audit({ actor: username, action: 'login.failure', target: null, ip });
		}
		return check.outcome === 'right'
			? { outcome: 'wrong', remaining: check.attempt.ifWrong }
			: check;
	}
	if (await secondFactor) {
		await passwordRight(check.attempt);
		const pending = { userId: user.id, credentialVersion: user.credentialVersion, remember };
		return { outcome: 'second-step', pending };
	}
	// The password was right: the session, and settling the counters, are independent changes.
	const signingIn = signIn(event, user, remember, passwordOnlyState(user.role)).then(
		async () => {
			await audit({ actor: user.username, action: 'login.success', target: null, ip });
			return { outcome: 'signed-in' } as const;
		},
		(error: unknown) => {
			if (error instanceof CredentialsChangedError) return { outcome: 'changed' } as const;
			throw error;
		}
	);
	const [result] = await Promise.all([signingIn, passwordRight(check.attempt)]);
	return result;
}

/**
 * The current password, asked before an account's most powerful actions: limited exactly like
 * the login form, so a stolen session cannot become a way to guess the password.
 */
export async function checkOwnPassword(
	event: Pick<RequestEvent, 'getClientAddress' | 'platform'>,
	userId: string,
	password: string
): Promise<PasswordCheck> {
	const user = await getUser(userId);
	if (!user) return { outcome: 'wrong', remaining: null };
	const check = await checkPassword(
		user.username,
		Promise.resolve(user),
		password,
		clientAddress(event)
	);
	if (check.outcome === 'right') await passwordRight(check.attempt);
	return check;
}
