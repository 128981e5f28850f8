import {
	startRegistration,
	type PublicKeyCredentialCreationOptionsJSON
} from '@simplewebauthn/browser';
import { describeCeremonyError } from './ceremony-errors';
import { postJson } from './post-json';

export type AddResult =
	{ added: true; recoveryCodes: boolean } | { added: false; message: string | null };

/**
 * Asks the browser for a new passkey named `name` and has the server keep it. `currentPassword`
 * is asked by the server of a session that is not fresh.
 */
export async function addPasskey(name: string, currentPassword = ''): Promise<AddResult> {
	const options = await postJson<PublicKeyCredentialCreationOptionsJSON>(
		'/account/two-step/passkeys/options',
		currentPassword ? { currentPassword } : {}
	);
	if (!options.ok) return { added: false, message: options.message };
	let response;
	try {
		response = await startRegistration({ optionsJSON: options.data });
	} catch (error) {
		return { added: false, message: describeCeremonyError(error, 'add') };
	}
	const kept = await postJson<{ recoveryCodes: boolean }>('/account/two-step/passkeys', {
		name,
		response
	});
	if (!kept.ok) return { added: false, message: kept.message };
	return { added: true, recoveryCodes: kept.data.recoveryCodes };
}
