import { redirect } from '@sveltejs/kit';
import { setFlash } from '$lib/server/flash';
import { signOut } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

/** A GET only shows a button: a link or an image must never be able to sign someone out. */
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/');
};

export const actions: Actions = {
	default: async (event) => {
		const wasSignedIn = event.locals.user !== null;
		await signOut(event);
		if (wasSignedIn) setFlash(event, 'You have been logged out.');
		redirect(303, '/');
	}
};
