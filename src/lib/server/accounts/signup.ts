import type { RequestEvent } from '@sveltejs/kit';
import { audit } from '../audit/audit';
import { HashQueueFullError } from '../auth/password';
import { CredentialsChangedError } from '../auth/sessions';
import { signIn } from '../auth/sign-in';
import { abandonSignup, beginSignup } from '../auth/sign-in-limits';
import { clientAddress } from '../http/client-address';
import { createUser, UsernameTakenError } from './users';
import { passwordOnlyState } from '../auth/two-step/policy';

export type SignupResult =
	| { outcome: 'created' }
	| { outcome: 'taken' }
	| { outcome: 'blocked'; retryAfter: number }
	| { outcome: 'busy'; message: string };

/** Creates an account (the username already validated) and signs the new person in. */
export async function signUp(
	event: Parameters<typeof signIn>[0] & Pick<RequestEvent, 'getClientAddress'>,
	username: string,
	password: string
): Promise<SignupResult> {
	const ip = clientAddress(event);
	const started = await beginSignup(ip);
	if ('blocked' in started) return { outcome: 'blocked', retryAfter: started.blocked };
	let created;
	try {
		created = await createUser(username, password);
	} catch (error) {
		if (error instanceof HashQueueFullError) {
			await abandonSignup(started.attempt);
			return { outcome: 'busy', message: error.message };
		}
		if (error instanceof UsernameTakenError) return { outcome: 'taken' };
		throw error;
	}
	await audit({
		actor: created.username,
		action: 'account.signup',
		target: null,
		ip,
		detail: created.role === 'admin' ? 'role admin' : undefined
	});
	try {
		// A brand-new account is at credential version 0.
		await signIn(
			event,
			{ id: created.id, credentialVersion: 0 },
			false,
			passwordOnlyState(created.role)
		);
	} catch (error) {
		// Ended or deleted in the instant since it was made: the account exists, the person logs in.
		if (!(error instanceof CredentialsChangedError)) throw error;
	}
	return { outcome: 'created' };
}
