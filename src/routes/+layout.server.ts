import { takeFlash } from '$lib/server/flash';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
	const { user } = event.locals;
	return {
		user: user ? { username: user.username, role: user.role } : null,
		flash: takeFlash(event)
	};
};
