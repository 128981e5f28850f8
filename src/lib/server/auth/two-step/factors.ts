import {
	authenticators,
	passkeys,
	recoveryCodes,
	store,
	type PasskeyRecord,
	type Readable,
	type Role,
	type Transaction
} from '../../store';
import { twoStepRequiredFor } from './policy';

/** What a person has set up, without keys or hashes: for their pages, admins and the export. */
export interface FactorSummary {
	authenticator: { createdAt: string } | null;
	passkeys: Pick<PasskeyRecord, 'id' | 'name' | 'createdAt' | 'lastUsedAt'>[];
	/** Unused recovery codes, or null when the person has none at all. */
	recoveryCodesLeft: number | null;
}

export async function factorsOf(
	userId: string,
	reader: Readable = store()
): Promise<FactorSummary> {
	const [authenticator, keys, codes] = await Promise.all([
		reader.of(authenticators).get(userId),
		reader.of(passkeys).listBy('userId', userId),
		reader.of(recoveryCodes).get(userId)
	]);
	return {
		authenticator: authenticator ? { createdAt: authenticator.createdAt } : null,
		passkeys: keys
			.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt }))
			.sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
		recoveryCodesLeft: codes ? codes.hashes.length : null
	};
}

/** A second factor is an authenticator app or a passkey; recovery codes only stand in for one. */
export async function hasSecondFactor(
	userId: string,
	reader: Readable = store()
): Promise<boolean> {
	const [authenticator, keys] = await Promise.all([
		reader.of(authenticators).get(userId),
		reader.of(passkeys).countBy('userId', userId)
	]);
	return authenticator !== undefined || keys > 0;
}

/** Undoes, from inside a change, a removal that would leave a required person with no factor. */
export class FactorRequiredError extends Error {
	override name = 'FactorRequiredError';
	constructor() {
		super('Your team requires a second factor: add another one before removing this one.');
	}
}

/**
 * In the change that removed one of a person's factors: refuses (rolling the change back) when
 * the operator requires a factor and none is left; with none left and none required, the
 * recovery codes go too, as they would stand in for nothing.
 */
export async function afterFactorRemoved(
	tx: Transaction,
	user: { id: string; role: Role }
): Promise<void> {
	if (await hasSecondFactor(user.id, tx)) return;
	if (twoStepRequiredFor(user.role)) throw new FactorRequiredError();
	await tx.of(recoveryCodes).remove(user.id);
}

/** For `.catch` after a removal: a refusal as `{ outcome: 'required' }`, anything else rethrown. */
export function refusedAsRequired(error: unknown): { outcome: 'required' } {
	if (error instanceof FactorRequiredError) return { outcome: 'required' };
	throw error;
}

/** Removes every second factor and recovery code of a person (lost phone, admin reset). */
export async function removeAllFactors(tx: Transaction, userId: string): Promise<number> {
	const [app, keys] = await Promise.all([
		tx.of(authenticators).remove(userId),
		tx.of(passkeys).removeBy('userId', userId),
		tx.of(recoveryCodes).remove(userId)
	]);
	return (app ? 1 : 0) + keys;
}
