import {
	clearSealedCookie,
	readSealedCookie,
	setSealedCookie,
	type CookieEvent
} from '../../http/sealed-cookie';

const NAME = 'recovery-codes';
/** Long enough to follow a redirect; the codes are shown on the page it lands on, once. */
const LIFETIME_MS = 60_000;

/**
 * New recovery codes travel from the action that made them to the page that shows them in a
 * short-lived sealed cookie, never in a URL, so a reload or the history cannot show them again.
 */
export function showRecoveryCodesOnce(
	event: CookieEvent,
	userId: string,
	codes: string[],
	now = Date.now()
): void {
	setSealedCookie(event, NAME, { userId, codes }, LIFETIME_MS, now);
}

/** The codes made for this person, removed as they are read; null when there are none to show. */
export function takeRecoveryCodes(
	event: CookieEvent,
	userId: string,
	now = Date.now()
): string[] | null {
	const sealed = readSealedCookie<{ userId?: string; codes?: unknown }>(
		event,
		NAME,
		LIFETIME_MS,
		now
	);
	if (sealed === undefined) return null;
	clearSealedCookie(event, NAME);
	if (sealed?.userId !== userId || !Array.isArray(sealed.codes)) return null;
	return sealed.codes.filter((code): code is string => typeof code === 'string');
}
