import { redirect } from '@sveltejs/kit';
import { setPendingSignIn } from '$lib/server/auth/two-step/pending-sign-in';
import { afterSignIn } from '$lib/server/apps/redirect-targets';
import { redirectSignedIn } from '$lib/server/auth/guards';
import { logIn } from '$lib/server/auth/login';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { fewAttemptsLeft, tooManyAttempts } from '$lib/server/http/rate-limit';
import { normalizeUsername } from '$lib/server/http/validation';
import { noticeFor } from './notices';
import type { Actions, PageServerLoad } from './$types';

/** One message for an unknown user and a wrong password, so neither reveals which it was. */
const INCORRECT = 'Incorrect username or password';

/** The second step keeps where the person was going. */
function twoStepUrl(redirectTo: string | null): string {
	return redirectTo === null
		? '/login/two-step'
		: `/login/two-step?redirectTo=${encodeURIComponent(redirectTo)}`;
}

export const load: PageServerLoad = (event) => {
	redirectSignedIn(event);
	return { notice: noticeFor(event.url.searchParams.get('reason')) };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['username', 'password', 'remember']);
		if (problem) return invalid(problem);
		// a ticked "remember me" stays ticked when the form comes back
		const refill = { username: values.username, ...(values.remember ? { remember: 'on' } : {}) };
		const username = normalizeUsername(values.username);
		if (username === '' || values.password === '') {
			return invalid('Enter your username and password.', refill, {
				username: username === '' ? 'Enter your username.' : undefined,
				password: values.password === '' ? 'Enter your password.' : undefined
			});
		}
		const result = await logIn(event, username, values.password, values.remember !== '');
		const redirectTo = event.url.searchParams.get('redirectTo');
		if (result.outcome === 'signed-in') {
			redirect(303, await afterSignIn(event.url, redirectTo));
		}
		if (result.outcome === 'second-step') {
			setPendingSignIn(event, result.pending);
			redirect(303, twoStepUrl(redirectTo));
		}
		switch (result.outcome) {
			case 'blocked':
				return invalid(tooManyAttempts(event, result.retryAfter), refill, {}, 429);
			case 'busy':
				return invalid(result.message, refill, {}, 503);
			case 'changed':
				return invalid('Your account changed while you were signing in. Please try again.', refill);
			case 'wrong': {
				// Counted alike for every username tried, so it tells nobody whether one exists.
				const warning = result.remaining && fewAttemptsLeft(result.remaining);
				return invalid(warning ? `${INCORRECT}. ${warning}` : INCORRECT, refill);
			}
		}
	}
};
