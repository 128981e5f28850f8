import { redirect } from '@sveltejs/kit';
import { audit } from '$lib/server/audit';
import { invalid, readForm, readTextFields } from '$lib/server/forms';
import { redirectSignedIn } from '$lib/server/guards';
import { HashQueueFullError, verifyAgainstDummy, verifyPassword } from '$lib/server/password';
import { safeRedirectTarget } from '$lib/server/redirect';
import { signIn } from '$lib/server/session-cookie';
import {
	abandonPasswordAttempt,
	beginPasswordAttempt,
	passwordRight,
	passwordWrong
} from '$lib/server/throttle';
import { findUserByUsername } from '$lib/server/users';
import { normalizeUsername, PASSWORD_MAX } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

/** One message for an unknown user and a wrong password, so neither reveals which it was. */
const INCORRECT = 'Incorrect username or password';

export const load: PageServerLoad = (event) => {
	redirectSignedIn(event);
	return { expired: event.url.searchParams.get('reason') === 'expired' };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['username', 'password', 'remember']);
		if (problem) return invalid(problem);
		const refill = { username: values.username };
		const username = normalizeUsername(values.username);
		if (username === '' || values.password === '') {
			return invalid('Enter your username and password.', refill, {
				username: username === '' ? 'Enter your username.' : undefined,
				password: values.password === '' ? 'Enter your password.' : undefined
			});
		}
		const started = beginPasswordAttempt(event, username, refill);
		if ('blocked' in started) return started.blocked;

		const user = findUserByUsername(username);
		let valid = false;
		try {
			// No password is longer than the maximum, so such a guess costs no hashing at all.
			if ([...values.password].length <= PASSWORD_MAX) {
				valid = user
					? await verifyPassword(user.passwordHash, values.password)
					: await verifyAgainstDummy(values.password);
			}
		} catch (error) {
			if (!(error instanceof HashQueueFullError)) throw error;
			abandonPasswordAttempt(started.attempt);
			return invalid(error.message, refill, {}, 503);
		}
		const ip = event.getClientAddress();
		// The password may have changed while it was being verified (no await from this check to
		// the session insert, so it cannot be overtaken).
		if (!user || !valid || findUserByUsername(username)?.passwordHash !== user.passwordHash) {
			await passwordWrong();
			await audit({ actor: username, action: 'login.failure', target: null, ip });
			return invalid(INCORRECT, refill);
		}

		await signIn(event, user.id, values.remember !== '');
		await passwordRight(started.attempt);
		await audit({ actor: user.username, action: 'login.success', target: null, ip });
		redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
	}
};
