import { sessionEndings, store, type SessionEndReason, type Transaction } from '../store';
import { isSessionToken, sessionIdFromToken } from './session-tokens';

/** About a day: the person's next visit hears why, then the record goes with the sweep. */
const KEEP_MS = 86_400_000;

/** Notes why these sessions end, inside the change that ends them. */
export async function recordEndings(
	tx: Transaction,
	sessionIds: readonly string[],
	reason: SessionEndReason,
	now = Date.now()
): Promise<void> {
	const writer = tx.of(sessionEndings);
	const expiresAt = new Date(now + KEEP_MS).toISOString();
	// Sent together (PostgreSQL pipelines them); each id is a different record.
	await Promise.all(
		sessionIds.map(async (id) => {
			const record = { id, reason, expiresAt };
			if (await writer.get(id)) await writer.replace(record);
			else await writer.insert(record);
		})
	);
}

/**
 * Why the session behind a no-longer-valid cookie ended, if someone ended it. Only asked for a
 * cookie that failed to validate, so it costs nothing on the path of a signed-in request.
 */
export async function endingOf(token: string, now = Date.now()): Promise<SessionEndReason | null> {
	if (!isSessionToken(token)) return null;
	const ending = await store().of(sessionEndings).get(sessionIdFromToken(token));
	return ending && now < Date.parse(ending.expiresAt) ? ending.reason : null;
}
