import { redirect } from '@sveltejs/kit';
import { audit } from '$lib/server/audit/audit';
import { signOut } from '$lib/server/auth/sign-in';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import type { Actions, PageServerLoad } from './$types';

/** A GET only shows a button: a link or an image must never be able to sign someone out. */
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/');
};

export const actions: Actions = {
	default: async (event) => {
		const user = event.locals.user;
		await signOut(event);
		if (user) {
			await audit({
				actor: user.username,
				action: 'logout',
				target: null,
				ip: clientAddress(event)
			});
			setFlash(event, 'You have been logged out.');
		}
		redirect(303, '/');
	}
};
