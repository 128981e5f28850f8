import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyFor } from './secret-key';

/*
 * AES-256-GCM under a key derived from the server's secret for one purpose only: what is sealed
 * for one use can neither be read nor forged for another. The result is base64url text, for a
 * cookie or a record: 12-byte IV, 16-byte tag, then the ciphertext.
 */

export function seal(purpose: string, plaintext: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(purpose), iv);
	const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
	return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The text sealed for `purpose`, or null for anything tampered with, truncated or foreign. */
export function unseal(purpose: string, value: string): string | null {
	try {
		const bytes = Buffer.from(value, 'base64url');
		if (bytes.length < 28) return null;
		// A full 16-byte tag only (Node accepts shorter ones unless told), whatever the length.
		const decipher = createDecipheriv('aes-256-gcm', keyFor(purpose), bytes.subarray(0, 12), {
			authTagLength: 16
		});
		decipher.setAuthTag(bytes.subarray(12, 28));
		return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
	} catch {
		return null;
	}
}

/** For short-lived cookies: `value` sealed with the time, refused once older than `lifetimeMs`. */
export function sealWithTime(purpose: string, value: unknown, now = Date.now()): string {
	return seal(purpose, JSON.stringify({ value, sealedAt: now }));
}

export function unsealWithTime(
	purpose: string,
	sealed: string,
	lifetimeMs: number,
	now = Date.now()
): unknown {
	const text = unseal(purpose, sealed);
	if (text === null) return null;
	try {
		const { value, sealedAt } = JSON.parse(text) as { value?: unknown; sealedAt?: unknown };
		// A copy of the cookie kept past its lifetime is refused, whatever the browser does.
		if (typeof sealedAt !== 'number' || now - sealedAt > lifetimeMs || now < sealedAt - 60_000) {
			return null;
		}
		return value ?? null;
	} catch {
		return null;
	}
}
