import { requireUser } from '$lib/server/auth/guards';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	const { user } = requireUser(event);
	return {
		profile: {
			username: user.username,
			fullName: user.fullName,
			bio: user.bio,
			age: user.age,
			memberSince: user.createdAt
		}
	};
};
