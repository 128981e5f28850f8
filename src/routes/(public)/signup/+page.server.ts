import { redirect } from '@sveltejs/kit';
import { afterSignIn } from '$lib/server/apps/redirect-targets';
import { signUp } from '$lib/server/accounts/signup';
import { hasNoUsers } from '$lib/server/accounts/users';
import { redirectSignedIn } from '$lib/server/auth/guards';
import { config } from '$lib/server/config';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { tooManyAttempts } from '$lib/server/http/rate-limit';
import {
	fieldErrors,
	validateConfirmation,
	validateNewPassword,
	validateUsername
} from '$lib/server/http/validation';
import type { Actions, PageServerLoad } from './$types';

const FIX_FIELDS = 'Please correct the marked fields.';
const SIGNUP_CLOSED = 'Signing up is closed here. Ask an admin to create an account for you.';

export const load: PageServerLoad = async (event) => {
	redirectSignedIn(event);
	return { signupOpen: config().allowSignup, firstAccount: await hasNoUsers() };
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

		const result = await signUp(event, username.value, values.password);
		if (result.outcome === 'created') {
			const back = event.url.searchParams.get('redirectTo');
			redirect(303, await afterSignIn(event.url, back));
		}
		switch (result.outcome) {
			case 'blocked':
				return invalid(tooManyAttempts(event, result.retryAfter), refill, {}, 429);
			case 'busy':
				return invalid(result.message, refill, {}, 503);
			case 'taken':
				return invalid(FIX_FIELDS, refill, { username: 'That username is already taken.' });
		}
	}
};
