import { endSessionsOf } from '../auth/sessions';
import { removeAllFactors } from '../auth/two-step/factors';
import { store } from '../store';

/**
 * For someone who lost their phone and their codes: removes every second factor and recovery
 * code, and ends their sessions in the same change (whoever holds the lost device is signed out
 * too). They sign in with their password next, and set up a factor again. Null for no such user.
 */
export async function resetTwoStep(
	userId: string
): Promise<{ factors: number; sessions: number } | null> {
	return store().update(async (tx) => {
		const factors = await removeAllFactors(tx, userId);
		const ended = await endSessionsOf(tx, userId, { reason: 'two-step-reset' });
		return ended && { factors, sessions: ended.ended };
	});
}
