import type { RequestEvent } from '@sveltejs/kit';
import { seal, sealWithTime, unseal, unsealWithTime } from '../../config/sealed';
import { cookieName, cookieOptions } from '../../http/cookies';
import { authenticators, type Role, type Transaction } from '../../store';
import { afterFactorRemoved } from './factors';
import { recoveryCodesForFirstFactor } from './recovery-codes';
import { matchingStep, newTotpKey } from './totp';

type SetupEvent = Pick<RequestEvent, 'cookies' | 'url'>;

/** What seals the keys at rest: a copied data file without the secret key opens nothing. */
const KEY_PURPOSE = 'totp-key';
/** The key being set up waits in a sealed cookie until a code proves the app has it. */
const SETUP_COOKIE = 'totp-setup';
const SETUP_LIFETIME_MS = 15 * 60_000;

/** The key shown to this person on the setup page, while it lasts. */
export function keyBeingSetUp(
	event: SetupEvent,
	userId: string,
	now = Date.now()
): Uint8Array | null {
	const value = event.cookies.get(cookieName(event.url, SETUP_COOKIE));
	if (value === undefined) return null;
	const pending = unsealWithTime(SETUP_COOKIE, value, SETUP_LIFETIME_MS, now) as {
		userId?: string;
		key?: string;
	} | null;
	if (pending?.userId !== userId || typeof pending.key !== 'string') return null;
	return new Uint8Array(Buffer.from(pending.key, 'base64url'));
}

/**
 * The key this person is setting up: the one already on its way (so a reload shows the same QR
 * code), or a new one.
 */
export function authenticatorSetupKey(
	event: SetupEvent,
	userId: string,
	now = Date.now()
): Uint8Array {
	const existing = keyBeingSetUp(event, userId, now);
	if (existing) return existing;
	const key = newTotpKey();
	event.cookies.set(
		cookieName(event.url, SETUP_COOKIE),
		sealWithTime(SETUP_COOKIE, { userId, key: Buffer.from(key).toString('base64url') }, now),
		{ ...cookieOptions(event.url), maxAge: SETUP_LIFETIME_MS / 1000 }
	);
	return key;
}

export function endAuthenticatorSetup(event: SetupEvent): void {
	event.cookies.delete(cookieName(event.url, SETUP_COOKIE), cookieOptions(event.url));
}

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
	if (await tx.of(authenticators).get(userId)) return { outcome: 'already-on' };
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
