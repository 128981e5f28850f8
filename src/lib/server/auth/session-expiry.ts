import { config, type SessionLifetimes } from '../config';
import type { SessionRecord } from '../store';

export function lifetimes(remember: boolean): SessionLifetimes {
	return remember ? config().rememberedSession : config().session;
}

/**
 * Activity is recorded at most this often per session (a tenth of the idle timeout, at most a
 * minute), so reading a page costs no write and the expiry is never more than 10% early.
 */
export function activityResolutionMs(remember: boolean): number {
	return Math.min(60_000, lifetimes(remember).idleSeconds * 100);
}

/** The idle expiry after activity at `lastActiveAt`, capped by the absolute lifetime. */
export function expiryOf(createdAt: number, lastActiveAt: number, remember: boolean): Date {
	const { idleSeconds, absoluteSeconds } = lifetimes(remember);
	return new Date(Math.min(lastActiveAt + idleSeconds * 1000, createdAt + absoluteSeconds * 1000));
}

/** The latest a session can last, however active: its absolute lifetime. */
export function absoluteExpiry(session: SessionRecord): Date {
	const { absoluteSeconds } = lifetimes(session.remember);
	return new Date(Date.parse(session.createdAt) + absoluteSeconds * 1000);
}
