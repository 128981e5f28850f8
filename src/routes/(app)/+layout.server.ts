import { requireUser } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

/** Sends visitors to the login page. Each page's own load and actions check again. */
export const load: LayoutServerLoad = (event) => {
	requireUser(event);
};
