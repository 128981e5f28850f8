import { guardRouteGroup } from '$lib/server/auth/route-groups';
import { takeFlash } from '$lib/server/http/flash';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
	guardRouteGroup(event);
	const { user } = event.locals;
	return {
		user: user ? { username: user.username, role: user.role } : null,
		flash: takeFlash(event)
	};
};
