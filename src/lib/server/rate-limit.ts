import type { LimitRule } from './config';
import { store } from './store';

/*
 * Sliding-window limits: a key may have at most `max` events in any `windowSeconds`. Events are
 * kept in DATA_DIR/limits.json, so restarting the server does not reset an attacker's count.
 * Keys come from people (usernames, addresses) and are only ever Map keys.
 */

export type LimitName = 'login-user' | 'login-ip' | 'signup-ip' | 'chat-user';

/** Long keys (a 10,000-character "username") add nothing but size to the file. */
const id = (name: LimitName, key: string) => `${name}:${key.slice(0, 100)}`;

function recentHits(hits: number[], rule: LimitRule, now: number): number[] {
	const since = now - rule.windowSeconds * 1000;
	return hits.filter((hit) => hit > since);
}

/** How many events `key` has inside the rule's window. */
export function countRecentHits(name: LimitName, key: string, rule: LimitRule, now = Date.now()) {
	return recentHits(store().limits.get(id(name, key))?.hits ?? [], rule, now).length;
}

/** Seconds until `key` may act again, or 0 if it may act now. */
export function retryAfterSeconds(name: LimitName, key: string, rule: LimitRule, now = Date.now()) {
	const hits = recentHits(store().limits.get(id(name, key))?.hits ?? [], rule, now);
	if (hits.length < rule.max) return 0;
	const oldest = hits[hits.length - rule.max] ?? now;
	return Math.max(1, Math.ceil((oldest + rule.windowSeconds * 1000 - now) / 1000));
}

/**
 * Counts one event for `key` in memory, at once: requests that arrive together each see the
 * others' events, so a burst cannot all pass one check. The caller saves (see `saveLimits`).
 * Returns the event's time, to take it back with `takeBack` if it should not count after all.
 */
export function countHit(name: LimitName, key: string, rule: LimitRule, now = Date.now()): number {
	const limits = store().limits;
	const recordId = id(name, key);
	const existing = limits.get(recordId);
	const hits = [...recentHits(existing?.hits ?? [], rule, now), now].slice(-rule.max);
	if (existing) limits.replace({ id: recordId, hits });
	else limits.insert({ id: recordId, hits });
	return now;
}

/** Removes one counted event again (an attempt that turned out not to count). */
export function takeBack(name: LimitName, key: string, hit: number): void {
	const limits = store().limits;
	const existing = limits.get(id(name, key));
	if (!existing) return;
	const index = existing.hits.lastIndexOf(hit);
	if (index < 0) return;
	const hits = existing.hits.filter((_, i) => i !== index);
	if (hits.length === 0) limits.remove(existing.id);
	else limits.replace({ id: existing.id, hits });
}

/** Forgets every event of `key` (a successful login clears its username's failures). */
export function clearHits(name: LimitName, key: string): void {
	store().limits.remove(id(name, key));
}

export function saveLimits(): Promise<void> {
	return store().limits.save();
}

/** Records one event and saves it. */
export async function recordHit(
	name: LimitName,
	key: string,
	rule: LimitRule,
	now = Date.now()
): Promise<void> {
	countHit(name, key, rule, now);
	await saveLimits();
}

/** Drops keys with no event inside their window; part of the once-a-minute sweep. */
export function sweepLimits(rules: Record<LimitName, LimitRule>, now = Date.now()): void {
	const limits = store().limits;
	for (const record of [...limits.values()]) {
		const name = record.id.slice(0, record.id.indexOf(':')) as LimitName;
		const rule = rules[name];
		if (!rule || recentHits(record.hits, rule, now).length === 0) limits.remove(record.id);
	}
}

export function describeWait(seconds: number): string {
	if (seconds < 90) return `${seconds} seconds`;
	return `${Math.ceil(seconds / 60)} minutes`;
}
