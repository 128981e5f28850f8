import type { RequestEvent } from '@sveltejs/kit';
import type { LimitRule } from '../config';
import { limits, store, type LimitRecord, type Transaction, type UpdateOptions } from '../store';

/*
 * Sliding-window limits: a key may have at most `max` events in any `windowSeconds`. The events
 * are kept in the store, so restarting the server (or asking another instance) does not reset an
 * attacker's count. A check and its count happen in one change that locks the counter: requests
 * that arrive together (on any instance) take turns, so a burst is limited exactly like
 * requests sent one by one, and nobody's change has to run again.
 */

/** Changes to counters lock them and decide on nothing else. */
export const COUNTER_CHANGE: UpdateOptions = { isolation: 'read-committed' };

/** Long keys (a 10,000-character "username") add nothing but size. */
const idOf = (rule: LimitRule, key: string) => `${rule.name}:${key.slice(0, 100)}`;

export interface Counter {
	rule: LimitRule;
	record: LimitRecord;
	/** Events still inside the window, oldest first. */
	recent: number[];
}

/** The counter of `key`, locked for this change. */
export async function lockCounter(
	tx: Transaction,
	rule: LimitRule,
	key: string,
	now: number
): Promise<Counter> {
	const id = idOf(rule, key);
	const record = await tx
		.of(limits)
		.lock(id, { id, hits: [], expiresAt: new Date(now).toISOString() });
	const since = now - rule.windowSeconds * 1000;
	return { rule, record, recent: record.hits.filter((hit) => hit > since) };
}

/** Seconds until the counter's key may act again, or 0 if it may act now. */
export function retryAfterSeconds(
	{ rule, recent }: Pick<Counter, 'rule' | 'recent'>,
	now: number
): number {
	if (recent.length < rule.max) return 0;
	const oldest = recent[recent.length - rule.max] ?? now;
	return Math.max(1, Math.ceil((oldest + rule.windowSeconds * 1000 - now) / 1000));
}

async function save(tx: Transaction, counter: Counter, hits: number[]): Promise<void> {
	if (hits.length === 0) {
		await tx.of(limits).remove(counter.record.id);
		return;
	}
	await tx.of(limits).replace({
		id: counter.record.id,
		hits,
		expiresAt: new Date(Math.max(...hits) + counter.rule.windowSeconds * 1000).toISOString()
	});
}

/** What a counter allows after one more event at `now`: events before a pause, and that pause. */
export interface Remaining {
	left: number;
	/** The window while events are left (the longest the pause can be), else the real wait. */
	pauseSeconds: number;
}

export function remainingAfterHit({ rule, recent }: Counter, now: number): Remaining {
	const hits = [...recent, now].slice(-rule.max);
	const left = rule.max - hits.length;
	return {
		left,
		pauseSeconds: left > 0 ? rule.windowSeconds : retryAfterSeconds({ rule, recent: hits }, now)
	};
}

/** Counts one event at `now`. */
export function countHit(tx: Transaction, counter: Counter, now: number): Promise<void> {
	return save(tx, counter, [...counter.recent, now].slice(-counter.rule.max));
}

/** Takes back one counted event (an attempt that turned out not to count). */
export async function takeBackHit(tx: Transaction, counter: Counter, at: number): Promise<void> {
	const index = counter.record.hits.lastIndexOf(at);
	if (index < 0) return;
	await save(
		tx,
		counter,
		counter.record.hits.filter((_, i) => i !== index)
	);
}

/** Forgets every event of `key` (a successful login clears its username's failures). */
export async function clearHits(tx: Transaction, rule: LimitRule, key: string): Promise<void> {
	await tx.of(limits).remove(idOf(rule, key));
}

/**
 * Checks `key` against `rule` and counts the event in one change: the seconds to wait (nothing
 * counted), or 0 (counted).
 */
export async function checkAndCount(
	rule: LimitRule,
	key: string,
	now = Date.now()
): Promise<number> {
	return store().update(async (tx) => {
		const counter = await lockCounter(tx, rule, key, now);
		const wait = retryAfterSeconds(counter, now);
		if (wait === 0) await countHit(tx, counter, now);
		return wait;
	}, COUNTER_CHANGE);
}

export function describeWait(seconds: number): string {
	const { count, unit } = waitIn(seconds);
	return `${count} ${unit}s`;
}

/** "a 15-minute pause": the length of a pause as an adjective. */
function describePause(seconds: number): string {
	const { count, unit } = waitIn(seconds);
	return `${count}-${unit}`;
}

/** Seconds up to a minute and a half, whole minutes (rounded up) beyond. */
function waitIn(seconds: number): { count: number; unit: 'second' | 'minute' } {
	return seconds < 90
		? { count: seconds, unit: 'second' }
		: { count: Math.ceil(seconds / 60), unit: 'minute' };
}

/** Attempts left at which a failed one says how many remain. */
const WARN_WHEN_LEFT = 2;

/** The sentence after a failed attempt when few are left, or null while plenty are. */
export function fewAttemptsLeft({ left, pauseSeconds }: Remaining): string | null {
	if (left > WARN_WHEN_LEFT) return null;
	if (left <= 0) return `No attempts left: please try again in ${describeWait(pauseSeconds)}.`;
	const attempts = left === 1 ? '1 attempt' : `${left} attempts`;
	return `${attempts} left before a ${describePause(pauseSeconds)} pause.`;
}

/** Sets `Retry-After` and returns the sentence to show. */
export function tooManyAttempts(event: Pick<RequestEvent, 'setHeaders'>, seconds: number): string {
	event.setHeaders({ 'retry-after': String(seconds) });
	return `Too many attempts. Please try again in ${describeWait(seconds)}.`;
}
