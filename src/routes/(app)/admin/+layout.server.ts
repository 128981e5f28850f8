import { requireAdmin } from '$lib/server/auth/guards';
import type { LayoutServerLoad } from './$types';

/** Visitors go to login, others get 403. Each admin load and action checks again itself. */
export const load: LayoutServerLoad = (event) => {
	requireAdmin(event);
};
