import type { RequestEvent } from '@sveltejs/kit';
import { audit } from '../../audit/audit';
import { clientAddress } from '../../http/client-address';
import type { Remaining } from '../../http/rate-limit';
import { signIn } from '../sign-in';
import { beginCodeAttempt, codeAttemptDoesNotCount, codeRight } from '../sign-in-limits';
import { getUser } from '../../accounts/users';
import { CredentialsChangedError } from '../sessions';
import { checkAuthenticatorCode, type CodeCheck } from './authenticator';
import { clearPendingSignIn, type PendingSignIn } from './pending-sign-in';
import { useRecoveryCode } from './recovery-codes';

type SecondStepEvent = Parameters<typeof signIn>[0] & Pick<RequestEvent, 'cookies'>;

export type SecondStepResult =
	| { outcome: 'signed-in' }
	| { outcome: 'wrong'; remaining: Remaining }
	| { outcome: 'replayed' }
	| { outcome: 'blocked'; retryAfter: number }
	/** The password changed, the account went, or its sessions were ended meanwhile. */
	| { outcome: 'changed' };

/**
 * Finishes a password sign-in with an authenticator code or a recovery code. The code is checked
 * (and used up) in the same change that makes the session; wrong codes count against the account.
 */
export async function finishSignIn(
	event: SecondStepEvent,
	pending: PendingSignIn,
	entered: { code: string } | { recoveryCode: string },
	now = Date.now()
): Promise<SecondStepResult> {
	const user = await getUser(pending.userId);
	if (!user || user.credentialVersion !== pending.credentialVersion) return { outcome: 'changed' };
	const started = await beginCodeAttempt(user.id, now);
	if ('blocked' in started) return { outcome: 'blocked', retryAfter: started.blocked };

	let check = 'wrong' as CodeCheck;
	let codesLeft: number | null = null;
	let signedIn: boolean;
	try {
		signedIn = await signIn(
			event,
			{ id: user.id, credentialVersion: pending.credentialVersion },
			pending.remember,
			'passed',
			async (tx) => {
				if ('code' in entered) {
					check = await checkAuthenticatorCode(tx, user.id, entered.code, now);
				} else {
					codesLeft = await useRecoveryCode(tx, user.id, entered.recoveryCode);
					check = codesLeft === null ? 'wrong' : 'right';
				}
				return check === 'right';
			}
		);
	} catch (error) {
		await codeAttemptDoesNotCount(started.attempt);
		if (error instanceof CredentialsChangedError) return { outcome: 'changed' };
		throw error;
	}

	const ip = clientAddress(event);
	if (!signedIn) {
		if (check === 'replayed') {
			await codeAttemptDoesNotCount(started.attempt);
			return { outcome: 'replayed' };
		}
		const kind = 'code' in entered ? 'authenticator code' : 'recovery code';
		await audit({
			actor: user.username,
			action: 'two-step.wrong-code',
			target: null,
			ip,
			detail: kind
		});
		return { outcome: 'wrong', remaining: started.attempt.ifWrong };
	}
	clearPendingSignIn(event);
	await codeRight(started.attempt);
	// One entry a sign-in; a recovery code's says so, and how many are left.
	await audit(
		codesLeft === null
			? {
					actor: user.username,
					action: 'login.success',
					target: null,
					ip,
					detail: 'authenticator app'
				}
			: {
					actor: user.username,
					action: 'two-step.recovery-code-used',
					target: null,
					ip,
					detail: `${codesLeft} left`
				}
	);
	return { outcome: 'signed-in' };
}
