import type { RequestEvent } from '@sveltejs/kit';
import { sealWithTime, unsealWithTime } from '../config/sealed';
import { cookieName, cookieOptions } from '../http/cookies';

type HandoverEvent = Pick<RequestEvent, 'cookies' | 'url'>;

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
export function setHandover(event: HandoverEvent, handover: Handover, now = Date.now()): void {
	event.cookies.set(cookieName(event.url, NAME), sealWithTime(NAME, handover, now), {
		...cookieOptions(event.url),
		maxAge: LIFETIME_MS / 1000
	});
}

function open(value: string, now: number): Handover | null {
	return unsealWithTime(NAME, value, LIFETIME_MS, now) as Handover | null;
}

/** The handover meant for this page and this admin, removed as it is read. */
export function takeHandover(
	event: HandoverEvent,
	wanted: Pick<Handover, 'kind' | 'adminId'> & { userId?: string },
	now = Date.now()
): Handover | null {
	const name = cookieName(event.url, NAME);
	const value = event.cookies.get(name);
	if (value === undefined) return null;
	const handover = open(value, now);
	const matches =
		handover !== null &&
		handover.kind === wanted.kind &&
		handover.adminId === wanted.adminId &&
		(wanted.userId === undefined || handover.userId === wanted.userId);
	if (handover === null || matches) event.cookies.delete(name, cookieOptions(event.url));
	return matches ? handover : null;
}
