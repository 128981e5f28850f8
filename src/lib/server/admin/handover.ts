import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { keyFor } from '../config/secret-key';
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
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor('handover'), iv);
	const sealed = Buffer.concat([
		cipher.update(JSON.stringify({ ...handover, sealedAt: now })),
		cipher.final()
	]);
	const value = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
	event.cookies.set(cookieName(event.url, NAME), value, {
		...cookieOptions(event.url),
		maxAge: LIFETIME_MS / 1000
	});
}

function open(value: string, now: number): Handover | null {
	try {
		const bytes = Buffer.from(value, 'base64url');
		// A full 16-byte tag only (Node accepts shorter ones unless told), whatever the length.
		const decipher = createDecipheriv('aes-256-gcm', keyFor('handover'), bytes.subarray(0, 12), {
			authTagLength: 16
		});
		decipher.setAuthTag(bytes.subarray(12, 28));
		const text = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
		const { sealedAt, ...handover } = JSON.parse(text.toString('utf8')) as Handover & {
			sealedAt?: number;
		};
		// A copy of the cookie kept past its lifetime is refused, whatever the browser does.
		if (typeof sealedAt !== 'number' || now - sealedAt > LIFETIME_MS) return null;
		return handover;
	} catch {
		return null;
	}
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
