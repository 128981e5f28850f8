import { redirect } from '@sveltejs/kit';
import { redirectSignedIn } from '$lib/server/auth/guards';
import { factorsOf } from '$lib/server/auth/two-step/factors';
import { readPendingSignIn } from '$lib/server/auth/two-step/pending-sign-in';
import { finishSignIn } from '$lib/server/auth/two-step/second-step';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import { fewAttemptsLeft, tooManyAttempts } from '$lib/server/http/rate-limit';
import { afterSignIn } from '$lib/server/apps/redirect-targets';
import type { Actions, PageServerLoad } from './$types';

/** Back to the password, keeping where the person was going. */
function loginAgain(url: URL): never {
	const target = new URL('/login', url);
	target.searchParams.set('reason', 'two-step-expired');
	const redirectTo = url.searchParams.get('redirectTo');
	if (redirectTo !== null) target.searchParams.set('redirectTo', redirectTo);
	redirect(303, target.pathname + target.search);
}

export const load: PageServerLoad = async (event) => {
	redirectSignedIn(event, await afterSignIn(event.url, event.url.searchParams.get('redirectTo')));
	const pending = readPendingSignIn(event);
	if (!pending) loginAgain(event.url);
	const factors = await factorsOf(pending.userId);
	return {
		authenticator: factors.authenticator !== null,
		passkeys: factors.passkeys.length > 0,
		recoveryCodes: (factors.recoveryCodesLeft ?? 0) > 0
	};
};

export const actions: Actions = {
	/** One action for either field: a code from the app (`code`) or a recovery code. */
	default: async (event) => {
		const pending = readPendingSignIn(event);
		if (!pending) loginAgain(event.url);
		const { values, problem } = readTextFields(await readForm(event.request), [
			'code',
			'recoveryCode'
		]);
		const recovery = values.recoveryCode.trim() !== '';
		const form = recovery ? 'recoveryCode' : 'code';
		if (problem) return invalidFor(form, problem);
		const code = values.code.replace(/\s/g, '');
		if (!recovery && code === '') {
			return invalidFor(
				form,
				'Enter the 6-digit code from your app.',
				{},
				{ code: 'Enter the code.' }
			);
		}
		if (!recovery && !/^\d{6}$/.test(code)) {
			return invalidFor(
				form,
				'That is not a code from your app.',
				{},
				{ code: 'The code is 6 digits.' }
			);
		}
		const result = await finishSignIn(
			event,
			pending,
			recovery ? { recoveryCode: values.recoveryCode } : { code }
		);
		if (result.outcome === 'signed-in') {
			redirect(303, await afterSignIn(event.url, event.url.searchParams.get('redirectTo')));
		}
		if (result.outcome === 'changed') loginAgain(event.url);
		switch (result.outcome) {
			case 'blocked':
				return invalidFor(form, tooManyAttempts(event, result.retryAfter), {}, {}, 429);
			case 'replayed':
				return invalidFor(
					form,
					'That code was already used. Wait for your app to show the next one.',
					{},
					{ code: 'Already used.' }
				);
			case 'wrong': {
				const what = recovery ? 'That recovery code is not right' : 'That code is not right';
				const warning = fewAttemptsLeft(result.remaining);
				return invalidFor(
					form,
					warning ? `${what}. ${warning}` : `${what}.`,
					{},
					recovery ? { recoveryCode: 'Check the code.' } : { code: 'Check the code.' }
				);
			}
		}
	}
};
