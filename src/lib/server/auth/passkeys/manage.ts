import { PASSKEY_NAME_MAX } from '$lib/limits';
import { passkeys, store } from '../../store';
import { afterFactorRemoved, refusedAsRequired } from '../two-step/factors';
import type { Role } from '../../store';

/** Control and format characters (NUL, bidi overrides) have no place in a name shown to admins. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

/** Names people give passkeys: trimmed, one line, printable, never empty. */
export function cleanPasskeyName(raw: string): string | null {
	const name = raw.replace(/\s+/g, ' ').trim();
	if (name === '' || UNPRINTABLE.test(name)) return null;
	return [...name].length > PASSKEY_NAME_MAX ? null : name;
}

/** Renames one of the person's own passkeys; false when they have no such passkey. */
export async function renamePasskey(userId: string, id: string, name: string): Promise<boolean> {
	return store().update(async (tx) => {
		const found = await tx.of(passkeys).get(id);
		if (!found || found.userId !== userId) return false;
		await tx.of(passkeys).replace({ ...found, name });
		return true;
	});
}

export type RemovePasskeyResult =
	{ outcome: 'removed'; name: string } | { outcome: 'not-found' } | { outcome: 'required' };

/**
 * Removes one of the person's passkeys. Not the last second factor of someone the operator
 * requires to have one; with no factor left, the recovery codes go too.
 */
export async function removePasskey(
	user: { id: string; role: Role },
	id: string
): Promise<RemovePasskeyResult> {
	return store()
		.update(async (tx): Promise<RemovePasskeyResult> => {
			const found = await tx.of(passkeys).get(id);
			if (!found || found.userId !== user.id) return { outcome: 'not-found' };
			await tx.of(passkeys).remove(id);
			await afterFactorRemoved(tx, user);
			return { outcome: 'removed', name: found.name };
		})
		.catch(refusedAsRequired);
}
