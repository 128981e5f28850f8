import type { RequestEvent } from '@sveltejs/kit';
import {
	generateRegistrationOptions,
	verifyRegistrationResponse,
	type PublicKeyCredentialCreationOptionsJSON
} from '@simplewebauthn/server';
import { passkeys, store, users } from '../../store';
import { markTwoStepPassed } from '../sessions';
import { recoveryCodesForFirstFactor } from '../two-step/recovery-codes';
import { asRegistration, transportsOf } from './answers';
import {
	CHALLENGE_LIFETIME_MS,
	challengeOf,
	challengeWaiting,
	consumeChallenge,
	issueChallenge
} from './challenges';
import { relyingParty } from './relying-party';

/** Enough for every device a person owns; a cap so that no account grows without end. */
const PASSKEYS_PER_PERSON = 20;
const TOO_MANY = `You have ${PASSKEYS_PER_PERSON} passkeys: remove one before adding another.`;

interface Person {
	user: { id: string; username: string };
	sessionId: string;
}

export type RegistrationStart =
	{ options: PublicKeyCredentialCreationOptionsJSON } | { blocked: number } | { refused: string };

/** What the browser needs to make a passkey for the signed-in person. */
export async function registrationOptions(
	event: Pick<RequestEvent, 'url'>,
	{ user }: Person,
	ip: string,
	now = Date.now()
): Promise<RegistrationStart> {
	const existing = await store().of(passkeys).listBy('userId', user.id);
	if (existing.length >= PASSKEYS_PER_PERSON) {
		return { refused: TOO_MANY };
	}
	const issued = await issueChallenge('register', user.id, ip, now);
	if ('blocked' in issued) return issued;
	const rp = relyingParty(event.url);
	const options = await generateRegistrationOptions({
		rpName: rp.name,
		rpID: rp.id,
		userName: user.username,
		userDisplayName: user.username,
		// The user's id, not the name: the authenticator keeps it, and names can change.
		userID: new TextEncoder().encode(user.id),
		challenge: issued.challenge.bytes,
		timeout: CHALLENGE_LIFETIME_MS,
		attestationType: 'none',
		// The browser refuses (InvalidStateError) to make a second passkey on a device that has one.
		excludeCredentials: existing.map(({ id, transports }) => ({ id, transports })),
		// Discoverable, so that it can sign in with no username typed.
		authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' }
	});
	return { options };
}

export type AddPasskeyResult =
	{ outcome: 'added'; recoveryCodes: string[] | null } | { outcome: 'refused'; message: string };

const EXPIRED = 'Adding the passkey took too long. Please try again.';

/**
 * Checks the browser's answer to the person's challenge and keeps the passkey. Using the challenge
 * up, keeping the passkey, making recovery codes for a first factor and noting that this session
 * has passed its second step all happen in one change.
 */
export async function addPasskey(
	event: Pick<RequestEvent, 'url'>,
	{ user, sessionId }: Person,
	name: string,
	body: unknown,
	now = Date.now()
): Promise<AddPasskeyResult> {
	const answer = asRegistration(body);
	const challenge = answer && challengeOf(answer.response.clientDataJSON);
	if (!answer || !challenge) return { outcome: 'refused', message: 'That is not a passkey.' };
	if (!(await challengeWaiting(challenge, 'register', user.id, now))) {
		return { outcome: 'refused', message: EXPIRED };
	}
	const rp = relyingParty(event.url);
	const verification = await verifyRegistrationResponse({
		response: answer,
		expectedChallenge: challenge,
		expectedOrigin: rp.origin,
		expectedRPID: rp.id,
		requireUserVerification: false
	}).catch(() => null);
	if (!verification?.verified) {
		return { outcome: 'refused', message: 'The passkey could not be checked. Please try again.' };
	}
	const { credential } = verification.registrationInfo;
	return store().update(async (tx): Promise<AddPasskeyResult> => {
		if (!(await consumeChallenge(tx, challenge, 'register', user.id, now))) {
			return { outcome: 'refused', message: EXPIRED };
		}
		if (await tx.of(passkeys).get(credential.id)) {
			return { outcome: 'refused', message: 'This passkey is already registered.' };
		}
		// Checked in the change itself: options fetched in parallel cannot add more.
		if ((await tx.of(passkeys).countBy('userId', user.id)) >= PASSKEYS_PER_PERSON) {
			return { outcome: 'refused', message: TOO_MANY };
		}
		// The account may have gone since the request began: no passkey without its person.
		if (!(await tx.of(users).get(user.id))) {
			return { outcome: 'refused', message: 'This account no longer exists.' };
		}
		await tx.of(passkeys).insert({
			id: credential.id,
			userId: user.id,
			name,
			publicKey: Buffer.from(credential.publicKey).toString('base64url'),
			counter: credential.counter,
			transports: transportsOf(answer),
			createdAt: new Date(now).toISOString(),
			lastUsedAt: ''
		});
		await markTwoStepPassed(tx, sessionId);
		return { outcome: 'added', recoveryCodes: await recoveryCodesForFirstFactor(tx, user.id, now) };
	});
}
