import { seal, unseal } from '../../config/sealed';
import { authenticators, users, type Role, type Transaction } from '../../store';
import { afterFactorRemoved } from './factors';
import { recoveryCodesForFirstFactor } from './recovery-codes';
import { matchingStep } from './totp';

/** What seals the keys at rest: a copied data file without the secret key opens nothing. */
const KEY_PURPOSE = 'totp-key';

export type SwitchOnResult =
	| { outcome: 'on'; recoveryCodes: string[] | null }
	| { outcome: 'wrong-code' }
	| { outcome: 'already-on' };

/**
 * Switches the app on once `code` shows it holds `key`. The person's first second factor also
 * gets their recovery codes, returned to show once.
 */
export async function switchOnAuthenticator(
	tx: Transaction,
	userId: string,
	key: Uint8Array,
	code: string,
	now = Date.now()
): Promise<SwitchOnResult> {
	const match = matchingStep(key, code, now, -1);
	if (!match || !('step' in match)) return { outcome: 'wrong-code' };
	// Also when the account went meanwhile: nothing is kept without its person.
	if ((await tx.of(authenticators).get(userId)) || !(await tx.of(users).get(userId))) {
		return { outcome: 'already-on' };
	}
	await tx.of(authenticators).insert({
		id: userId,
		sealedKey: seal(KEY_PURPOSE, Buffer.from(key).toString('base64url')),
		createdAt: new Date(now).toISOString(),
		lastUsedStep: match.step
	});
	return { outcome: 'on', recoveryCodes: await recoveryCodesForFirstFactor(tx, userId, now) };
}

/**
 * Switches the app off (refused by a FactorRequiredError if it is the last factor of someone who
 * must have one); the recovery codes go too when no factor is left.
 */
export async function switchOffAuthenticator(
	tx: Transaction,
	user: { id: string; role: Role }
): Promise<boolean> {
	const removed = await tx.of(authenticators).remove(user.id);
	if (removed) await afterFactorRemoved(tx, user);
	return removed;
}

export type CodeCheck = 'right' | 'wrong' | 'replayed' | 'none';

/**
 * Checks a code from the person's app. A right code moves the last used step forward in the same
 * change, so the same code (or an older one) is refused from then on, on every instance.
 */
export async function checkAuthenticatorCode(
	tx: Transaction,
	userId: string,
	code: string,
	now = Date.now()
): Promise<CodeCheck> {
	const record = await tx.of(authenticators).get(userId);
	if (!record) return 'none';
	const opened = unseal(KEY_PURPOSE, record.sealedKey);
	if (opened === null) {
		throw new Error(
			'An authenticator key cannot be opened: SECRET_KEY (or the key file) is not the one it was sealed with'
		);
	}
	const key = new Uint8Array(Buffer.from(opened, 'base64url'));
	const match = matchingStep(key, code.replace(/\s/g, ''), now, record.lastUsedStep);
	if (!match) return 'wrong';
	if (!('step' in match)) return 'replayed';
	await tx.of(authenticators).replace({ ...record, lastUsedStep: match.step });
	return 'right';
}
