import {
	clearSealedCookie,
	readSealedCookie,
	setSealedCookie,
	type CookieEvent
} from '../../http/sealed-cookie';
import { newTotpKey } from './totp';

/** The key being set up waits in a sealed cookie until a code proves the app has it. */
const SETUP_COOKIE = 'totp-setup';
const SETUP_LIFETIME_MS = 15 * 60_000;

/** The key shown to this person on the setup page, while it lasts. */
export function keyBeingSetUp(
	event: CookieEvent,
	userId: string,
	now = Date.now()
): Uint8Array | null {
	const pending = readSealedCookie<{ userId?: string; key?: string }>(
		event,
		SETUP_COOKIE,
		SETUP_LIFETIME_MS,
		now
	);
	if (pending?.userId !== userId || typeof pending.key !== 'string') return null;
	return new Uint8Array(Buffer.from(pending.key, 'base64url'));
}

/**
 * The key this person is setting up: the one already on its way (so a reload shows the same QR
 * code), or a new one.
 */
export function authenticatorSetupKey(
	event: CookieEvent,
	userId: string,
	now = Date.now()
): Uint8Array {
	const existing = keyBeingSetUp(event, userId, now);
	if (existing) return existing;
	const key = newTotpKey();
	const value = { userId, key: Buffer.from(key).toString('base64url') };
	setSealedCookie(event, SETUP_COOKIE, value, SETUP_LIFETIME_MS, now);
	return key;
}

export function endAuthenticatorSetup(event: CookieEvent): void {
	clearSealedCookie(event, SETUP_COOKIE);
}
