import { redirect } from '@sveltejs/kit';
import { invalid, readForm, readTextFields } from '$lib/server/forms';
import { redirectSignedIn } from '$lib/server/guards';
import { HashQueueFullError } from '$lib/server/password';
import { safeRedirectTarget } from '$lib/server/redirect';
import { signIn } from '$lib/server/session-cookie';
import { beginSignup, signupFailed, signupSucceeded } from '$lib/server/throttle';
import { config } from '$lib/server/config';
import { createUser, hasNoUsers, UsernameTakenError } from '$lib/server/users';
import {
	fieldErrors,
	validateConfirmation,
	validateNewPassword,
	validateUsername
} from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

const FIX_FIELDS = 'Please correct the marked fields.';
const SIGNUP_CLOSED = 'Signing up is closed here. Ask an admin to create an account for you.';

export const load: PageServerLoad = (event) => {
	redirectSignedIn(event);
	return { signupOpen: config().allowSignup, firstAccount: hasNoUsers() };
};

export const actions: Actions = {
	default: async (event) => {
		if (!config().allowSignup) return invalid(SIGNUP_CLOSED, {}, {}, 403);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['username', 'password', 'confirmPassword']);
		if (problem) return invalid(problem);
		const refill = { username: values.username };
		const username = validateUsername(values.username);
		const errors = fieldErrors({
			username,
			password: validateNewPassword(values.password, username.value),
			confirmPassword: validateConfirmation(values.password, values.confirmPassword)
		});
		if (errors || username.value === undefined) return invalid(FIX_FIELDS, refill, errors ?? {});
		const started = beginSignup(event, refill);
		if ('blocked' in started) return started.blocked;

		let userId: string;
		try {
			userId = (await createUser(username.value, values.password)).id;
		} catch (error) {
			signupFailed(started.attempt);
			if (error instanceof HashQueueFullError) return invalid(error.message, refill, {}, 503);
			if (!(error instanceof UsernameTakenError)) throw error;
			return invalid(FIX_FIELDS, refill, { username: 'That username is already taken.' });
		}
		await signupSucceeded();
		await signIn(event, userId, false);
		redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
	}
};
