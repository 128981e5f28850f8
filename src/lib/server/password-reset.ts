import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { applyPasswordHash } from './account';
import { config } from './config';
import { hashPassword } from './password';
import { store, type UserRecord } from './store';

/*
 * One-time reset links, `/reset-password/<user id>.<secret>`. The user id finds the record in
 * O(1); only the SHA-256 of the 160-bit secret is stored, compared in constant time. A new link
 * replaces the old one, and any password change ends it.
 */

const SECRET_PATTERN = /^[a-z2-7]{32}$/;

const digest = (secret: string) => sha256(new TextEncoder().encode(secret));

export function resetPath(token: string): string {
	return `/reset-password/${token}`;
}

/** Creates a link for a user (replacing any earlier one) and returns its token: show it once. */
export async function createResetToken(userId: string, now = Date.now()): Promise<string> {
	const users = store().users;
	const user = users.get(userId);
	if (!user) throw new Error(`No user ${userId}`);
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	const secret = encodeBase32LowerCaseNoPadding(bytes);
	users.replace({
		...user,
		passwordReset: {
			secretHash: encodeHexLowerCase(digest(secret)),
			expiresAt: new Date(now + config().passwordResetSeconds * 1000).toISOString()
		}
	});
	await users.save();
	return `${user.id}.${secret}`;
}

/** The user a token resets, or null when it is unknown, used or expired. */
export function findResetUser(token: string, now = Date.now()): UserRecord | null {
	const separator = token.lastIndexOf('.');
	const secret = token.slice(separator + 1);
	if (separator < 1 || !SECRET_PATTERN.test(secret)) return null;
	const user = store().users.get(token.slice(0, separator));
	const reset = user?.passwordReset;
	if (!user || !reset || now >= Date.parse(reset.expiresAt)) return null;
	return constantTimeEqual(decodeHex(reset.secretHash), digest(secret)) ? user : null;
}

/**
 * Sets the new password through a link and ends all the user's sessions. False when the link
 * is not (or no longer) valid, in which case nothing changed.
 */
export async function resetPassword(token: string, newPassword: string): Promise<boolean> {
	if (!findResetUser(token)) return false;
	const passwordHash = await hashPassword(newPassword);
	// Checked again after the slow hash, and used up at once (no await in between), so two
	// submissions of one link cannot both succeed.
	const user = findResetUser(token);
	if (!user) return false;
	store().users.replace({ ...user, passwordReset: null });
	await applyPasswordHash(user.id, passwordHash);
	return true;
}
