import { redirect } from '@sveltejs/kit';
import { findResetUser, resetPassword } from '$lib/server/accounts/password-reset';
import { audit } from '$lib/server/audit/audit';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import {
	fieldErrors,
	validateConfirmation,
	validateNewPassword
} from '$lib/server/http/validation';
import type { Actions, PageServerLoad } from './$types';

const LINK_INVALID =
	'This link has expired, was already used, or is not valid. Ask an admin for a new one.';

export const load: PageServerLoad = async ({ params, setHeaders }) => {
	// The token is in the URL: keep it out of caches and Referer headers.
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const user = await findResetUser(params.token);
	return { username: user?.username ?? null };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['newPassword', 'confirmPassword']);
		if (problem) return invalid(problem);
		const user = await findResetUser(event.params.token);
		if (!user) return invalid(LINK_INVALID);
		const errors = fieldErrors({
			newPassword: validateNewPassword(values.newPassword, user.username),
			confirmPassword: validateConfirmation(values.newPassword, values.confirmPassword)
		});
		if (errors) return invalid('Please correct the marked fields.', {}, errors);

		const changed = await resetPassword(event.params.token, values.newPassword);
		if (!changed) return invalid(LINK_INVALID);
		await audit({
			actor: changed.username,
			action: 'password.reset',
			target: changed.username,
			ip: clientAddress(event)
		});
		setFlash(event, 'Your new password is set. Log in with it.');
		redirect(303, '/login');
	}
};
