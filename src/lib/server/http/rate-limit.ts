import type { RequestEvent } from '@sveltejs/kit';
import type { LimitRule } from '../config';
import {
	limits,
	type CollectionReader,
	type CollectionWriter,
	type LimitRecord,
	type Transaction
} from '../store';

/*
 * Sliding-window limits: a key may have at most `max` events in any `windowSeconds`. The events
 * are kept in the store, so restarting the server (or asking another instance) does not reset an
 * attacker's count. Each check and count runs inside a change, so requests that arrive together
 * see each other's events.
 */

type LimitsReader = CollectionReader<LimitRecord, never, never>;

/** Long keys (a 10,000-character "username") add nothing but size. */
const idOf = (rule: LimitRule, key: string) => `${rule.name}:${key.slice(0, 100)}`;

function recent(record: LimitRecord | undefined, rule: LimitRule, now: number): number[] {
	const since = now - rule.windowSeconds * 1000;
	return (record?.hits ?? []).filter((hit) => hit > since);
}

/** Seconds until `key` may act again, or 0 if it may act now. */
export async function retryAfterSeconds(
	reader: LimitsReader,
	rule: LimitRule,
	key: string,
	now: number
): Promise<number> {
	const hits = recent(await reader.get(idOf(rule, key)), rule, now);
	if (hits.length < rule.max) return 0;
	const oldest = hits[hits.length - rule.max] ?? now;
	return Math.max(1, Math.ceil((oldest + rule.windowSeconds * 1000 - now) / 1000));
}

async function write(
	writer: CollectionWriter<LimitRecord, never, never>,
	id: string,
	hits: number[],
	rule: LimitRule,
	exists: boolean
) {
	if (hits.length === 0) {
		if (exists) await writer.remove(id);
		return;
	}
	const record: LimitRecord = {
		id,
		hits,
		expiresAt: new Date(Math.max(...hits) + rule.windowSeconds * 1000).toISOString()
	};
	if (exists) await writer.replace(record);
	else await writer.insert(record);
}

/** Counts one event for `key` at `now`. */
export async function countHit(tx: Transaction, rule: LimitRule, key: string, now: number) {
	const writer = tx.of(limits);
	const id = idOf(rule, key);
	const existing = await writer.get(id);
	await write(writer, id, [...recent(existing, rule, now), now].slice(-rule.max), rule, !!existing);
}

/** Takes back one counted event (an attempt that turned out not to count). */
export async function takeBackHit(tx: Transaction, rule: LimitRule, key: string, at: number) {
	const writer = tx.of(limits);
	const id = idOf(rule, key);
	const existing = await writer.get(id);
	const index = existing?.hits.lastIndexOf(at) ?? -1;
	if (!existing || index < 0) return;
	await write(
		writer,
		id,
		existing.hits.filter((_, i) => i !== index),
		rule,
		true
	);
}

/** Forgets every event of `key` (a successful login clears its username's failures). */
export async function clearHits(tx: Transaction, rule: LimitRule, key: string): Promise<void> {
	await tx.of(limits).remove(idOf(rule, key));
}

export function describeWait(seconds: number): string {
	if (seconds < 90) return `${seconds} seconds`;
	return `${Math.ceil(seconds / 60)} minutes`;
}

/** Sets `Retry-After` and returns the sentence to show. */
export function tooManyAttempts(event: Pick<RequestEvent, 'setHeaders'>, seconds: number): string {
	event.setHeaders({ 'retry-after': String(seconds) });
	return `Too many attempts. Please try again in ${describeWait(seconds)}.`;
}
