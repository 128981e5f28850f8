import { takeFlash } from '../../src/lib/server/http/flash';
import type { ActionOutcome } from './actions';
import { cookieJar } from './request-event';

/** The message an action's flash cookie carries, read (and its signature checked) as a page would. */
export function flashOf({ jar }: Pick<ActionOutcome, 'jar'>): string | null {
	const value = jar.get('flash')?.value;
	if (value === undefined) return null;
	return takeFlash({
		cookies: cookieJar({ flash: value }).cookies,
		url: new URL('http://localhost/')
	});
}
