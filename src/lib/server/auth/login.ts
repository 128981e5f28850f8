import type { RequestEvent } from '@sveltejs/kit';
import { PASSWORD_MAX } from '$lib/limits';
import { findUserByUsername, getUser } from '../accounts/users';
import { audit } from '../audit/audit';
import { clientAddress } from '../http/client-address';
import { store } from '../store';
import { HashQueueFullError, verifyAgainstDummy, verifyPassword } from './password';
import { signIn } from './sign-in';
import {
	abandonPasswordAttempt,
	beginPasswordAttempt,
	passwordRight,
	type PasswordAttempt
} from './sign-in-limits';
import { CredentialsChangedError } from './sessions';

type LoginEvent = Parameters<typeof signIn>[0] & Pick<RequestEvent, 'getClientAddress'>;

export type PasswordCheck =
	| { outcome: 'right'; attempt: PasswordAttempt }
	| { outcome: 'wrong' }
	| { outcome: 'blocked'; retryAfter: number }
	| { outcome: 'busy'; message: string };

/**
 * Checks a password against a stored hash (or a dummy one, so an unknown user takes as long),
 * counted by the sign-in limits before any hashing starts.
 */
async function checkPassword(
	username: string,
	passwordHash: string | undefined,
	password: string,
	ip: string
): Promise<PasswordCheck> {
	const started = await beginPasswordAttempt(username, ip);
	if ('blocked' in started) return { outcome: 'blocked', retryAfter: started.blocked };
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
	return valid ? { outcome: 'right', attempt: started.attempt } : { outcome: 'wrong' };
}

export type LoginResult =
	Exclude<PasswordCheck, { outcome: 'right' }> | { outcome: 'signed-in' } | { outcome: 'changed' };

/** Logs in with a username (already normalised) and password, setting the session cookie. */
export async function logIn(
	event: LoginEvent,
	username: string,
	password: string,
	remember: boolean
): Promise<LoginResult> {
	const ip = clientAddress(event);
	// The user as it is before the slow check: the session is only made if it is still so after.
	const user = await findUserByUsername(username);
	const check = await checkPassword(username, user?.passwordHash, password, ip);
	if (check.outcome !== 'right' || !user) {
		if (check.outcome === 'wrong') {
			await audit({ actor: username, action: 'login.failure', target: null, ip });
		}
		return check.outcome === 'right' ? { outcome: 'wrong' } : check;
	}
	try {
		await signIn(event, user, remember, (tx) => passwordRight(tx, check.attempt));
	} catch (error) {
		if (error instanceof CredentialsChangedError) return { outcome: 'changed' };
		throw error;
	}
	await audit({ actor: user.username, action: 'login.success', target: null, ip });
	return { outcome: 'signed-in' };
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
	if (!user) return { outcome: 'wrong' };
	const check = await checkPassword(
		user.username,
		user.passwordHash,
		password,
		clientAddress(event)
	);
	if (check.outcome === 'right') {
		await store().update((tx) => passwordRight(tx, check.attempt));
	}
	return check;
}
