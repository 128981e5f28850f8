import { redirect } from '@sveltejs/kit';
import { audit } from '$lib/server/audit';
import { setFlash } from '$lib/server/flash';
import { invalid, readForm, readTextFields } from '$lib/server/forms';
import { findResetUser, resetPassword } from '$lib/server/password-reset';
import { fieldErrors, validateConfirmation, validateNewPassword } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

const LINK_INVALID =
	'This link has expired, was already used, or is not valid. Ask an admin for a new one.';

export const load: PageServerLoad = ({ params, setHeaders }) => {
	// The token is in the URL: keep it out of caches and Referer headers.
	setHeaders({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
	const user = findResetUser(params.token);
	return { username: user?.username ?? null };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['newPassword', 'confirmPassword']);
		if (problem) return invalid(problem);
		const user = findResetUser(event.params.token);
		if (!user) return invalid(LINK_INVALID);
		const errors = fieldErrors({
			newPassword: validateNewPassword(values.newPassword, user.username),
			confirmPassword: validateConfirmation(values.newPassword, values.confirmPassword)
		});
		if (errors) return invalid('Please correct the marked fields.', {}, errors);

		if (!(await resetPassword(event.params.token, values.newPassword)))
			return invalid(LINK_INVALID);
		await audit({
			actor: user.username,
			action: 'password.reset',
			target: user.username,
			ip: event.getClientAddress()
		});
		setFlash(event, 'Your new password is set. Log in with it.');
		redirect(303, '/login');
	}
};
