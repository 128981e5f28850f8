import { removeMembershipsOf } from '../apps/groups';
import { removeSessionsOf } from '../auth/sessions';
import { removeAllFactors } from '../auth/two-step/factors';
import { registeredTools } from '../tool';
import { store, users } from '../store';
import { ensureAnotherAdmin } from './roles';

/**
 * Deletes the user, every session, second factor and group place of theirs and every tool's data
 * about them, in one change.
 * The username becomes free at once. The last admin cannot be deleted (checked in the same
 * change). False when there was no such user.
 */
export async function deleteAccount(userId: string): Promise<boolean> {
	return store().update(async (tx) => {
		if (!(await tx.of(users).get(userId))) return false;
		await ensureAnotherAdmin(tx, userId);
		await removeSessionsOf(tx, userId, 'account-deleted');
		await removeAllFactors(tx, userId);
		await removeMembershipsOf(tx, userId);
		for (const tool of registeredTools()) await tool.deleteUserData?.(tx, userId);
		await tx.of(users).remove(userId);
		return true;
	});
}
