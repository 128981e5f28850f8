import { WebAuthnError } from '@simplewebauthn/browser';

export type Ceremony = 'add' | 'sign-in';

const CLOSED: Record<Ceremony, string> = {
	add: 'Nothing was changed: the passkey dialog was closed.',
	// Browsers also report a fingerprint or PIN that failed this way.
	'sign-in':
		'You were not signed in: the passkey dialog was closed, or the device could not check that it is you.'
};

/**
 * What to tell the person when the browser's passkey dialog failed; null when this page stopped
 * the dialog itself (another one took its place), which needs no word.
 */
export function describeCeremonyError(error: unknown, ceremony: Ceremony): string | null {
	const code = error instanceof WebAuthnError ? error.code : null;
	const name = error instanceof WebAuthnError ? (error.cause as Error).name : (error as Error).name;
	if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return null;
	switch (code) {
		case 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED':
			return 'This device already holds a passkey for your account: it is in your list of passkeys.';
		case 'ERROR_AUTHENTICATOR_MISSING_DISCOVERABLE_CREDENTIAL_SUPPORT':
			return 'This security key cannot keep a passkey that signs in without a username. Try another device.';
		case 'ERROR_AUTHENTICATOR_NO_SUPPORTED_PUBKEYCREDPARAMS_ALG':
			return 'This device cannot make a passkey of a kind Gatehouse accepts. Try another device.';
		case 'ERROR_INVALID_DOMAIN':
		case 'ERROR_INVALID_RP_ID':
			return 'Passkeys work only when Gatehouse is opened at its own address (the one its operator set).';
	}
	// Closed, timed out, or refused by the person: browsers report all of these alike.
	if (name === 'NotAllowedError') return CLOSED[ceremony];
	return ceremony === 'add'
		? 'Your browser could not make a passkey. Nothing was changed.'
		: 'Your browser could not use a passkey. Please try again.';
}
