import { redirect } from '@sveltejs/kit';
import { signOut } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

/** A GET only shows a button: a link or an image must never be able to sign someone out. */
export const load: PageServerLoad = ({ locals }) => {
	if (!locals.user) redirect(303, '/');
};

export const actions: Actions = {
	default: async (event) => {
		await signOut(event);
		redirect(303, '/');
	}
};
