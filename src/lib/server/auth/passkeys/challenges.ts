import { randomBytes } from 'node:crypto';
import { COUNTER_CHANGE, countHit, lockCounter, retryAfterSeconds } from '../../http/rate-limit';
import { store, webauthnChallenges, type ChallengePurpose, type Transaction } from '../../store';

/** Long enough to find the phone or the key; the browser's dialog times out at the same moment. */
export const CHALLENGE_LIFETIME_MS = 5 * 60_000;

/**
 * Anyone may ask to start a passkey sign-in, and each start keeps a challenge for 5 minutes:
 * per address, starts are limited so nobody can fill the store with them.
 */
const STARTS_PER_ADDRESS = { name: 'passkey-start-ip', max: 300, windowSeconds: 60 };

export interface IssuedChallenge {
	/** The challenge, base64url: the id of its record. */
	id: string;
	bytes: Uint8Array<ArrayBuffer>;
}

export type Issued = { challenge: IssuedChallenge } | { blocked: number };

/**
 * A new challenge for `userId` ('' when anyone may answer it), counted against the address in
 * the same change that keeps it.
 */
export async function issueChallenge(
	purpose: ChallengePurpose,
	userId: string,
	ip: string,
	now = Date.now()
): Promise<Issued> {
	const bytes = new Uint8Array(randomBytes(32));
	const id = Buffer.from(bytes).toString('base64url');
	return store().update(async (tx): Promise<Issued> => {
		const counter = await lockCounter(tx, STARTS_PER_ADDRESS, ip, now);
		const wait = retryAfterSeconds(counter, now);
		if (wait > 0) return { blocked: wait };
		await countHit(tx, counter, now);
		const expiresAt = new Date(now + CHALLENGE_LIFETIME_MS).toISOString();
		await tx.of(webauthnChallenges).insert({ id, purpose, userId, expiresAt });
		return { challenge: { id, bytes } };
	}, COUNTER_CHANGE);
}

/** The challenge a browser's answer signed, read from its client data; null if unreadable. */
export function challengeOf(clientDataJSON: string): string | null {
	try {
		const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
		const challenge = (data as { challenge?: unknown } | null)?.challenge;
		// Ours are 43 base64url characters; anything else is refused before it reaches the store.
		return typeof challenge === 'string' && /^[\w-]{1,100}$/.test(challenge) ? challenge : null;
	} catch {
		return null;
	}
}

function usable(
	record: { purpose: ChallengePurpose; userId: string; expiresAt: string } | undefined,
	purpose: ChallengePurpose,
	userId: string,
	now: number
): boolean {
	return (
		record !== undefined &&
		record.purpose === purpose &&
		record.userId === userId &&
		Date.parse(record.expiresAt) > now
	);
}

/** Whether the challenge is still waiting for this answer: a cheap look before verifying. */
export async function challengeWaiting(
	id: string,
	purpose: ChallengePurpose,
	userId: string,
	now = Date.now()
): Promise<boolean> {
	return usable(await store().of(webauthnChallenges).get(id), purpose, userId, now);
}

/**
 * Uses the challenge up, in the change that acts on the answer: of two answers to one challenge
 * (on any instance), only one finds it. False when it is gone, expired or not for this.
 */
export async function consumeChallenge(
	tx: Transaction,
	id: string,
	purpose: ChallengePurpose,
	userId: string,
	now = Date.now()
): Promise<boolean> {
	const record = await tx.of(webauthnChallenges).get(id);
	if (!record || record.purpose !== purpose || record.userId !== userId) return false;
	await tx.of(webauthnChallenges).remove(id);
	return usable(record, purpose, userId, now);
}
