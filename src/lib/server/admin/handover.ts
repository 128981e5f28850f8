import {
	clearSealedCookie,
	readSealedCookie,
	setSealedCookie,
	type CookieEvent
} from '../http/sealed-cookie';

/** A one-time link an admin made, to show on the page the action redirects to. */
export interface Handover {
	kind: 'created' | 'reset';
	/** The admin who made it: nobody else signing in on this browser sees it. */
	adminId: string;
	userId: string;
	username: string;
	link: string;
	expiresAt: string;
}

const NAME = 'handover';
/** Long enough to follow the action's redirect; the sealed time is checked, not only the cookie's. */
const LIFETIME_MS = 60_000;

/**
 * The action redirects (so a reload cannot post again) and the next page shows the link once.
 * The link travels in a short-lived cookie, encrypted, rather than in a URL that would end up in
 * the history and in logs.
 */
export function setHandover(event: CookieEvent, handover: Handover, now = Date.now()): void {
	setSealedCookie(event, NAME, handover, LIFETIME_MS, now);
}

/** The handover meant for this page and this admin, removed as it is read. */
export function takeHandover(
	event: CookieEvent,
	wanted: Pick<Handover, 'kind' | 'adminId'> & { userId?: string },
	now = Date.now()
): Handover | null {
	const handover = readSealedCookie<Handover>(event, NAME, LIFETIME_MS, now);
	if (handover === undefined) return null;
	const matches =
		handover !== null &&
		handover.kind === wanted.kind &&
		handover.adminId === wanted.adminId &&
		(wanted.userId === undefined || handover.userId === wanted.userId);
	if (handover === null || matches) clearSealedCookie(event, NAME);
	return matches ? handover : null;
}
