import {
	generateAuthenticationOptions,
	verifyAuthenticationResponse,
	type AuthenticationResponseJSON,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/server';
import { getUser } from '../../accounts/users';
import { passkeys, store, type PasskeyRecord, type UserRecord } from '../../store';
import type { PendingSignIn } from '../two-step/pending-sign-in';
import { CHALLENGE_LIFETIME_MS, challengeOf, challengeWaiting, issueChallenge } from './challenges';
import type { RelyingParty } from './relying-party';

/*
 * A passkey signs someone in two ways: alone, from /login (any passkey kept on the device, found
 * by the browser), or as the second step after a right password (only that person's passkeys).
 */

export type SignInStart = { options: PublicKeyCredentialRequestOptionsJSON } | { blocked: number };

/**
 * Options for the browser's passkey dialog. `pending` is the half-done sign-in for the second
 * step; without it, any passkey may answer, so the list stays empty (discoverable credentials).
 */
export async function signInOptions(
	rp: RelyingParty,
	pending: PendingSignIn | null,
	ip: string,
	now = Date.now()
): Promise<SignInStart> {
	const allowed = pending ? await store().of(passkeys).listBy('userId', pending.userId) : [];
	const issued = await issueChallenge('sign-in', pending?.userId ?? '', ip, now);
	if ('blocked' in issued) return issued;
	const options = await generateAuthenticationOptions({
		rpID: rp.id,
		challenge: issued.challenge.bytes,
		timeout: CHALLENGE_LIFETIME_MS,
		allowCredentials: allowed.map(({ id, transports }) => ({ id, transports })),
		// After a password the passkey is the second factor: a touch is enough.
		userVerification: pending ? 'discouraged' : 'preferred'
	});
	return { options };
}

export type Refusal =
	'malformed' | 'unknown' | 'expired' | 'not-verified' | 'not-yours' | 'invalid';

export type CheckedAnswer =
	| {
			outcome: 'right';
			user: UserRecord;
			passkey: PasskeyRecord;
			challenge: string;
			counter: number;
	  }
	| { outcome: 'refused'; reason: Refusal; user?: UserRecord };

/**
 * Checks a browser's answer without changing anything: the challenge must be waiting, the passkey
 * known (and the pending person's, for a second step), the signature right. Alone, a passkey must
 * also have verified the person (fingerprint, face or PIN): it then stands for both factors.
 */
export async function checkAnswer(
	rp: RelyingParty,
	answer: AuthenticationResponseJSON | null,
	pending: PendingSignIn | null,
	now = Date.now()
): Promise<CheckedAnswer> {
	const challenge = answer && challengeOf(answer.response.clientDataJSON);
	if (!answer || !challenge) return { outcome: 'refused', reason: 'malformed' };
	const [passkey, waiting] = await Promise.all([
		store().of(passkeys).get(answer.id),
		challengeWaiting(challenge, 'sign-in', pending?.userId ?? '', now)
	]);
	const user = passkey && (await getUser(passkey.userId));
	if (!passkey || !user) return { outcome: 'refused', reason: 'unknown' };
	if (pending && passkey.userId !== pending.userId)
		return { outcome: 'refused', reason: 'not-yours' };
	if (!waiting) return { outcome: 'refused', reason: 'expired', user };
	const verification = await verifyAuthenticationResponse({
		response: answer,
		expectedChallenge: challenge,
		expectedOrigin: rp.origin,
		expectedRPID: rp.id,
		credential: {
			id: passkey.id,
			publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
			counter: passkey.counter,
			transports: passkey.transports
		},
		// Checked below, to say why; a second step needs no verification of its own.
		requireUserVerification: false
	}).catch(() => null);
	if (!verification?.verified) return { outcome: 'refused', reason: 'invalid', user };
	if (!pending && !verification.authenticationInfo.userVerified) {
		return { outcome: 'refused', reason: 'not-verified', user };
	}
	return {
		outcome: 'right',
		user,
		passkey,
		challenge,
		counter: verification.authenticationInfo.newCounter
	};
}
