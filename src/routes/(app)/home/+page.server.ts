import { portalFor } from '$lib/server/apps/portal';
import { requireUser } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const { user, session } = requireUser(event);
	return { apps: await portalFor(user, session) };
};
