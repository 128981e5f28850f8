import { createHash, randomInt } from 'node:crypto';
import { RECOVERY_CODE_COUNT } from '$lib/limits';
import { recoveryCodes, type Transaction } from '../../store';

/*
 * Ten single-use codes for when the phone or the passkey is gone. Each is 10 characters from 31
 * letters and digits without look-alikes (i, l, o, 0, 1): about 50 bits: far beyond guessing within the wrong-code
 * limit, so a plain SHA-256 of each is enough to keep, and no usable code is ever stored.
 */

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newCode(): string {
	const letters = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
	return `${letters.slice(0, 5).join('')}-${letters.slice(5).join('')}`;
}

/** What people type, spaces, dashes and capitals aside. */
function normalizeRecoveryCode(code: string): string {
	return code.toLowerCase().replace(/[\s-]/g, '');
}

function hashOf(code: string): string {
	return createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
}

/** New codes for the person, voiding any they had; returns them to show once. */
export async function replaceRecoveryCodes(
	tx: Transaction,
	userId: string,
	now = Date.now()
): Promise<string[]> {
	const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
	const record = { id: userId, hashes: codes.map(hashOf), createdAt: new Date(now).toISOString() };
	const writer = tx.of(recoveryCodes);
	if (await writer.get(userId)) await writer.replace(record);
	else await writer.insert(record);
	return codes;
}

/** Codes for someone switching on their first second factor; null if they already have some. */
export async function recoveryCodesForFirstFactor(
	tx: Transaction,
	userId: string,
	now = Date.now()
): Promise<string[] | null> {
	if (await tx.of(recoveryCodes).get(userId)) return null;
	return replaceRecoveryCodes(tx, userId, now);
}

/** Uses up `code` if it is one of the person's: the codes left, or null for a wrong code. */
export async function useRecoveryCode(
	tx: Transaction,
	userId: string,
	code: string
): Promise<number | null> {
	const writer = tx.of(recoveryCodes);
	const record = await writer.get(userId);
	const hash = hashOf(code);
	if (!record || !record.hashes.includes(hash)) return null;
	const hashes = record.hashes.filter((kept) => kept !== hash);
	await writer.replace({ ...record, hashes });
	return hashes.length;
}
