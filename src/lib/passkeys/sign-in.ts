import {
	startAuthentication,
	type PublicKeyCredentialRequestOptionsJSON
} from '@simplewebauthn/browser';
import { describeCeremonyError } from './ceremony-errors';
import { postJson } from './post-json';

export interface PasskeySignIn {
	/** The second step after a password, rather than a passkey alone. */
	secondStep: boolean;
	redirectTo: string | null;
	remember: boolean;
	/** Offer passkeys in the username field's autofill list and wait (conditional mediation). */
	autofill: boolean;
}

export type SignInOutcome =
	| { signedIn: true; redirectTo: string }
	/** `stage`: asking for the options, the browser's dialog, or the server's verdict on the answer. */
	| { signedIn: false; message: string | null; stage: 'options' | 'dialog' | 'verdict' };

/** Runs the browser's passkey dialog and has the server sign in with its answer. */
export async function signInWithPasskey(request: PasskeySignIn): Promise<SignInOutcome> {
	const options = await postJson<PublicKeyCredentialRequestOptionsJSON>('/login/passkey/options', {
		secondStep: request.secondStep
	});
	if (!options.ok) return { signedIn: false, message: options.message, stage: 'options' };
	let response;
	try {
		response = await startAuthentication({
			optionsJSON: options.data,
			useBrowserAutofill: request.autofill
		});
	} catch (error) {
		return {
			signedIn: false,
			message: describeCeremonyError(error, 'sign-in'),
			stage: 'dialog'
		};
	}
	const answer = await postJson<{ redirectTo: string }>('/login/passkey', {
		response,
		secondStep: request.secondStep,
		redirectTo: request.redirectTo,
		remember: request.remember
	});
	return answer.ok
		? { signedIn: true, redirectTo: answer.data.redirectTo }
		: { signedIn: false, message: answer.message, stage: 'verdict' };
}
