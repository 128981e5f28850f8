import type { RequestEvent } from '@sveltejs/kit';
import { audit } from '../../audit/audit';
import { clientAddress } from '../../http/client-address';
import { passkeys } from '../../store';
import { CredentialsChangedError } from '../sessions';
import { signIn } from '../sign-in';
import { clearPendingSignIn, type PendingSignIn } from '../two-step/pending-sign-in';
import { asAuthentication } from './answers';
import { beginPasskeyAttempt, passkeyAttemptDoesNotCount } from './attempts';
import { checkAnswer, type Refusal } from './authentication';
import { consumeChallenge } from './challenges';
import { relyingParty } from './relying-party';

type PasskeyEvent = Parameters<typeof signIn>[0] & Pick<RequestEvent, 'cookies'>;

/** The audit actor of a passkey nobody has: parentheses never appear in a username. */
const UNKNOWN = '(unknown passkey)';

export type PasskeySignInResult =
	| { outcome: 'signed-in' }
	| { outcome: 'refused'; reason: Refusal }
	| { outcome: 'blocked'; retryAfter: number }
	/** The password changed, the account went, or its sessions were ended meanwhile. */
	| { outcome: 'changed' };

/** How a refusal reads in the audit trail. */
const AUDIT_DETAIL: Record<Refusal, string> = {
	malformed: 'not a passkey answer',
	unknown: 'unknown passkey',
	expired: 'challenge expired or used',
	'not-verified': 'no user verification',
	'not-yours': "another account's passkey",
	invalid: 'signature or counter wrong'
};

/**
 * Signs in with a passkey: alone (`pending` null: it counts as both factors) or as the second
 * step of the half-done sign-in `pending`. The challenge is used up and the passkey's counter and
 * last use are saved in the change that makes the session, so an answer works once, anywhere.
 */
export async function signInWithPasskey(
	event: PasskeyEvent,
	body: unknown,
	pending: PendingSignIn | null,
	remember: boolean,
	now = Date.now()
): Promise<PasskeySignInResult> {
	const ip = clientAddress(event);
	const started = await beginPasskeyAttempt(ip, now);
	if ('blocked' in started) return { outcome: 'blocked', retryAfter: started.blocked };
	const refuse = async (reason: Refusal, actor = UNKNOWN): Promise<PasskeySignInResult> => {
		const detail = AUDIT_DETAIL[reason];
		await audit({ actor, action: 'login.passkey-refused', target: null, ip, detail });
		return { outcome: 'refused', reason };
	};

	const rp = relyingParty(event.url);
	const checked = await checkAnswer(rp, asAuthentication(body), pending, now);
	if (checked.outcome === 'refused') return refuse(checked.reason, checked.user?.username);
	const { user, passkey, challenge, counter } = checked;
	let refusal: Refusal = 'expired';
	let signedIn: boolean;
	try {
		signedIn = await signIn(
			event,
			{ id: user.id, credentialVersion: pending?.credentialVersion ?? user.credentialVersion },
			pending?.remember ?? remember,
			'passed',
			async (tx) => {
				if (!(await consumeChallenge(tx, challenge, 'sign-in', pending?.userId ?? '', now))) {
					refusal = 'expired';
					return false;
				}
				const current = await tx.of(passkeys).get(passkey.id);
				if (!current || current.userId !== user.id) {
					refusal = 'unknown';
					return false;
				}
				// A counter that does not move on betrays a copied authenticator (those keeping none send 0).
				if ((counter > 0 || current.counter > 0) && counter <= current.counter) {
					refusal = 'invalid';
					return false;
				}
				await tx.of(passkeys).replace({
					...current,
					counter,
					lastUsedAt: new Date(now).toISOString()
				});
				return true;
			}
		);
	} catch (error) {
		await passkeyAttemptDoesNotCount(started.attempt);
		if (error instanceof CredentialsChangedError) return { outcome: 'changed' };
		throw error;
	}
	if (!signedIn) return refuse(refusal, user.username);
	if (pending) clearPendingSignIn(event);
	await passkeyAttemptDoesNotCount(started.attempt);
	await audit({
		actor: user.username,
		action: 'login.success',
		target: null,
		ip,
		detail: 'passkey'
	});
	return { outcome: 'signed-in' };
}
