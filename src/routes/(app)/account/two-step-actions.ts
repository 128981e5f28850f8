import { redirect, type RequestEvent } from '@sveltejs/kit';
import { audit } from '$lib/server/audit/audit';
import { requireUser } from '$lib/server/auth/guards';
import {
	cleanPasskeyName,
	removePasskey as removeOwnPasskey,
	renamePasskey as renameOwnPasskey
} from '$lib/server/auth/passkeys/manage';
import { switchOffAuthenticator as switchOff } from '$lib/server/auth/two-step/authenticator';
import { showRecoveryCodesOnce } from '$lib/server/auth/two-step/codes-handover';
import { hasSecondFactor, refusedAsRequired } from '$lib/server/auth/two-step/factors';
import { replaceRecoveryCodes } from '$lib/server/auth/two-step/recovery-codes';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import { PASSKEY_NAME_MAX } from '$lib/limits';
import { store } from '$lib/server/store';
import { confirmPassword } from './confirm-password';

/*
 * The account page's "Two-step sign-in" forms. Each posts to `?/name#two-step` and comes back
 * to that section; a refused one says why under the name `twoStep`.
 */

const FORM = 'twoStep';
const BACK = '/account#two-step';

async function note(event: RequestEvent, actor: string, action: string, detail?: string) {
	await audit({ actor, action, target: null, ip: clientAddress(event), detail });
}

export async function switchOffAuthenticator(event: RequestEvent) {
	const { user } = requireUser(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['currentPassword']);
	if (problem) return invalidFor(FORM, problem);
	if (values.currentPassword === '') {
		return invalidFor(
			FORM,
			'Enter your password to turn the authenticator app off.',
			{},
			{ currentPassword: 'Enter your password.' }
		);
	}
	const refused = await confirmPassword(event, user.id, values.currentPassword, FORM);
	if (refused) return refused;
	const result = await store()
		.update(async (tx) => ({ outcome: (await switchOff(tx, user)) ? 'off' : 'was-off' }) as const)
		.catch(refusedAsRequired);
	if (result.outcome === 'required') {
		return invalidFor(
			FORM,
			'Your team requires a second factor: add a passkey before turning the authenticator app off.'
		);
	}
	if (result.outcome === 'off') await note(event, user.username, 'two-step.authenticator-removed');
	setFlash(event, 'The authenticator app is off.');
	redirect(303, BACK);
}

export async function newRecoveryCodes(event: RequestEvent) {
	const { user } = requireUser(event);
	const codes = await store().update(async (tx) =>
		(await hasSecondFactor(user.id, tx)) ? replaceRecoveryCodes(tx, user.id) : null
	);
	if (!codes) {
		return invalidFor(FORM, 'Recovery codes come with a second factor: set one up first.');
	}
	await note(event, user.username, 'two-step.recovery-codes-created');
	showRecoveryCodesOnce(event, user.id, codes);
	redirect(303, '/account/two-step/recovery-codes');
}

export async function renamePasskey(event: RequestEvent) {
	const { user } = requireUser(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['id', 'name']);
	if (problem) return invalidFor(FORM, problem);
	const name = cleanPasskeyName(values.name);
	if (name === null) {
		return invalidFor(
			FORM,
			`Give the passkey a name of 1 to ${PASSKEY_NAME_MAX} characters.`,
			{ renaming: values.id },
			{ name: 'Enter a name.' }
		);
	}
	if (!(await renameOwnPasskey(user.id, values.id, name))) {
		return invalidFor(FORM, 'That passkey is gone or is not one of yours.');
	}
	await note(event, user.username, 'two-step.passkey-renamed', name);
	setFlash(event, `Passkey renamed to "${name}".`);
	redirect(303, BACK);
}

export async function removePasskey(event: RequestEvent) {
	const { user } = requireUser(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['id']);
	if (problem) return invalidFor(FORM, problem);
	const result = await removeOwnPasskey(user, values.id);
	if (result.outcome === 'not-found') {
		return invalidFor(FORM, 'That passkey is gone or is not one of yours.');
	}
	if (result.outcome === 'required') {
		return invalidFor(
			FORM,
			'Your team requires a second factor: add another one before removing your last.'
		);
	}
	await note(event, user.username, 'two-step.passkey-removed', result.name);
	setFlash(event, `Passkey "${result.name}" removed.`);
	redirect(303, BACK);
}
