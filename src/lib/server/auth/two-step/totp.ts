import { timingSafeEqual } from 'node:crypto';
import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

/*
 * Authenticator-app codes as RFC 6238 defines them and every app implements them: HMAC-SHA-1,
 * 6 digits, 30-second steps. A code is accepted one step early or late, for clocks that drift.
 */

const TOTP_PERIOD_SECONDS = 30;
const TOTP_DIGITS = 6;
/** Steps either side of now whose codes still count. */
const DRIFT_STEPS = 1;
/** 160 bits, the HMAC-SHA-1 block RFC 4226 recommends. */
const KEY_BYTES = 20;

export function newTotpKey(): Uint8Array {
	return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

export function stepAt(now: number): number {
	return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

export function codeForStep(key: Uint8Array, step: number, digits = TOTP_DIGITS): string {
	return generateHOTP(key, BigInt(step), digits);
}

/**
 * The step whose code `code` is, among those near `now` and later than `after` (the step of the
 * last code accepted, so that no code is accepted twice); null when none matches.
 */
export function matchingStep(
	key: Uint8Array,
	code: string,
	now: number,
	after: number
): { step: number } | { replayed: true } | null {
	if (!/^\d{6}$/.test(code)) return null;
	const current = stepAt(now);
	for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
		const expected = Buffer.from(codeForStep(key, step));
		if (timingSafeEqual(expected, Buffer.from(code))) {
			return step > after ? { step } : { replayed: true };
		}
	}
	return null;
}

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
	return createTOTPKeyURI(issuer, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The key as people type it into an app: base32 in groups of four. */
export function manualEntryKey(key: Uint8Array): string {
	return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}
