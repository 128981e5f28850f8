import type { Refusal } from './authentication';

/** What the person is told when a passkey does not sign them in, and the status it goes with. */
export const REFUSALS: Record<Refusal, { status: number; message: string }> = {
	malformed: { status: 400, message: 'That is not a passkey answer.' },
	unknown: {
		status: 401,
		message:
			'This passkey is not known here: it may have been removed from its account. Sign in with your password.'
	},
	expired: { status: 401, message: 'The passkey sign-in took too long. Please try again.' },
	'not-verified': {
		status: 401,
		message:
			'Your device did not check that it is you (fingerprint, face or PIN), so the passkey alone cannot sign you in. Sign in with your password, or set up a screen lock or PIN on the device.'
	},
	'not-yours': {
		status: 401,
		message: "That passkey is not one of this account's. Choose another, or use a code."
	},
	invalid: {
		status: 401,
		message: "The passkey's answer could not be checked. Please try again."
	}
};

/** A second step asked for after the half-done sign-in ran out (or without one). */
export const SECOND_STEP_EXPIRED = 'Your sign-in expired: please enter your password again.';
