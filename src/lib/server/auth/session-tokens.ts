import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';

const TOKEN_PATTERN = /^[a-z2-7]{32}$/;

/** 160 random bits, base32: the cookie value. Only its SHA-256 is ever stored. */
export function generateSessionToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function isSessionToken(token: string): boolean {
	return TOKEN_PATTERN.test(token);
}

/**
 * The stored id of a session: SHA-256 of its token, hex (Lucia's design). Node's own SHA-256,
 * not @oslojs/crypto's: the same digest, three times faster on the path every request takes.
 * The id is looked up directly, and finding it means the digests are equal, so no further
 * comparison is needed (an attacker cannot steer a digest to learn anything from timing).
 */
export function sessionIdFromToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/**
 * How pages and forms name a session: derived one way from the stored id, so a page never shows
 * what the server stores.
 */
export function publicSessionId(sessionId: string): string {
	return createHash('sha256').update(`public:${sessionId}`).digest('hex').slice(0, 24);
}
