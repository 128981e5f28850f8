import { requireUser } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const { user, session } = requireUser(event);
	return { username: user.username, signedInAt: session.createdAt };
};
