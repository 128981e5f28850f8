import type { RequestEvent } from '@sveltejs/kit';
import { sealWithTime, unsealWithTime } from '../../config/sealed';
import { cookieName, cookieOptions } from '../../http/cookies';

type HandoverEvent = Pick<RequestEvent, 'cookies' | 'url'>;

const NAME = 'recovery-codes';
/** Long enough to follow a redirect; the codes are shown on the page it lands on, once. */
const LIFETIME_MS = 60_000;

/**
 * New recovery codes travel from the action that made them to the page that shows them in a
 * short-lived sealed cookie, never in a URL, so a reload or the history cannot show them again.
 */
export function showRecoveryCodesOnce(
	event: HandoverEvent,
	userId: string,
	codes: string[],
	now = Date.now()
): void {
	event.cookies.set(cookieName(event.url, NAME), sealWithTime(NAME, { userId, codes }, now), {
		...cookieOptions(event.url),
		maxAge: LIFETIME_MS / 1000
	});
}

/** The codes made for this person, removed as they are read; null when there are none to show. */
export function takeRecoveryCodes(
	event: HandoverEvent,
	userId: string,
	now = Date.now()
): string[] | null {
	const name = cookieName(event.url, NAME);
	const value = event.cookies.get(name);
	if (value === undefined) return null;
	event.cookies.delete(name, cookieOptions(event.url));
	const sealed = unsealWithTime(NAME, value, LIFETIME_MS, now) as {
		userId?: string;
		codes?: unknown;
	} | null;
	if (sealed?.userId !== userId || !Array.isArray(sealed.codes)) return null;
	return sealed.codes.filter((code): code is string => typeof code === 'string');
}
