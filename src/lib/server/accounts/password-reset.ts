import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { hashPassword } from '../auth/password';
import { endSessionsOf } from '../auth/sessions';
import { config } from '../config';
import { store, users, type UserRecord } from '../store';

/*
 * One-time reset links, `/reset-password/<user id>.<secret>`. The user id finds the record in
 * one look-up; only the SHA-256 of the 160-bit secret is stored, compared in constant time. A new
 * link replaces the old one, and any password change ends it.
 */

const SECRET_PATTERN = /^[a-z2-7]{32}$/;

const digest = (secret: string) => createHash('sha256').update(secret).digest();

export function resetPath(token: string): string {
	return `/reset-password/${token}`;
}

/** Creates a link for a user (replacing any earlier one) and returns its token: show it once. */
export async function createResetToken(userId: string, now = Date.now()): Promise<string> {
	const secret = encodeBase32LowerCaseNoPadding(randomBytes(20));
	await store().update(async (tx) => {
		const user = await tx.of(users).get(userId);
		if (!user) throw new Error(`No user ${userId}`);
		await tx.of(users).replace({
			...user,
			passwordReset: {
				secretHash: digest(secret).toString('hex'),
				expiresAt: resetLinkExpiry(now)
			}
		});
	});
	return `${userId}.${secret}`;
}

/** When a reset link made at `now` stops working (PASSWORD_RESET_SECONDS later). */
export function resetLinkExpiry(now: number): string {
	return new Date(now + config().passwordResetSeconds * 1000).toISOString();
}

function parseToken(token: string): { userId: string; secret: string } | null {
	const separator = token.lastIndexOf('.');
	const secret = token.slice(separator + 1);
	if (separator < 1 || !SECRET_PATTERN.test(secret)) return null;
	return { userId: token.slice(0, separator), secret };
}

function opens(user: UserRecord | undefined, secret: string, now: number): user is UserRecord {
	const reset = user?.passwordReset;
	if (!reset || now >= Date.parse(reset.expiresAt)) return false;
	return timingSafeEqual(Buffer.from(reset.secretHash, 'hex'), digest(secret));
}

/** The user a token resets, or null when it is unknown, used or expired. */
export async function findResetUser(token: string, now = Date.now()): Promise<UserRecord | null> {
	const parsed = parseToken(token);
	if (!parsed) return null;
	const user = await store().of(users).get(parsed.userId);
	return opens(user, parsed.secret, now) ? user : null;
}

/**
 * Sets the new password through a link and ends all the user's sessions. Null when the link is
 * not (or no longer) valid, in which case nothing changed. The link is checked again inside the
 * change that uses it up, so two submissions of one link cannot both succeed.
 */
export async function resetPassword(
	token: string,
	newPassword: string
): Promise<UserRecord | null> {
	const parsed = parseToken(token);
	if (!parsed || !(await findResetUser(token))) return null;
	const passwordHash = await hashPassword(newPassword);
	return store().update(async (tx) => {
		const user = await tx.of(users).get(parsed.userId);
		if (!opens(user, parsed.secret, Date.now())) return null;
		const ended = await endSessionsOf(tx, user.id, {
			reason: 'password-changed',
			changes: { passwordHash, passwordReset: null }
		});
		return ended?.user ?? null;
	});
}
