import { requireUser } from '$lib/server/auth/guards';
import { takeRecoveryCodes } from '$lib/server/auth/two-step/codes-handover';
import type { PageServerLoad } from './$types';

/** New recovery codes, shown once: the cookie that brought them is gone after this load. */
export const load: PageServerLoad = (event) => {
	const { user } = requireUser(event);
	return { codes: takeRecoveryCodes(event, user.id) };
};
