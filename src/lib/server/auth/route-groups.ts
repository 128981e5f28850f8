import type { RequestEvent } from '@sveltejs/kit';
import { requireUser } from './guards';

/**
 * Sends visitors from the `(app)` group to login, checked by the root layout's load: one load
 * a page instead of a second one for the group, because every server load costs a page about
 * 70 µs of CPU in SvelteKit itself. Only a redirect belongs here: an error thrown by the root
 * load would lose the layout around the error page, so `(app)/admin` keeps its own 403 guard.
 * Each page's own loads and actions still check again.
 */
export function guardRouteGroup(event: Pick<RequestEvent, 'locals' | 'url' | 'route'>): void {
	if (event.route.id?.startsWith('/(app)')) requireUser(event);
}
