import { redirect } from '@sveltejs/kit';
import { encode } from 'uqr';
import { audit } from '$lib/server/audit/audit';
import { mayAddFactor, passwordNeededToAddFactor, requireUser } from '$lib/server/auth/guards';
import { markTwoStepPassed } from '$lib/server/auth/sessions';
import { switchOnAuthenticator } from '$lib/server/auth/two-step/authenticator';
import {
	authenticatorSetupKey,
	endAuthenticatorSetup,
	keyBeingSetUp
} from '$lib/server/auth/two-step/authenticator-setup';
import { showRecoveryCodesOnce } from '$lib/server/auth/two-step/codes-handover';
import { factorsOf } from '$lib/server/auth/two-step/factors';
import { manualEntryKey, totpKeyUri } from '$lib/server/auth/two-step/totp';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { store } from '$lib/server/store';
import { confirmPassword } from '../../confirm-password';
import type { Actions, PageServerLoad } from './$types';

const ISSUER = 'Gatehouse';

/** The QR code as one SVG path of its dark modules, and its size in modules. */
function qrPath(text: string): { size: number; path: string } {
	const { data } = encode(text, { border: 2 });
	const path = data
		.flatMap((row, y) => row.map((dark, x) => (dark ? `M${x} ${y}h1v1h-1z` : '')))
		.join('');
	return { size: data.length, path };
}

export const load: PageServerLoad = async (event) => {
	const { user, session } = requireUser(event);
	// The choice page says why: sign in again with the factor they have.
	if (!(await mayAddFactor(user, session))) redirect(303, '/account/two-step');
	if ((await factorsOf(user.id)).authenticator) {
		setFlash(event, 'The authenticator app is already on.');
		redirect(303, '/account#two-step');
	}
	const key = authenticatorSetupKey(event, user.id);
	// The account's name in the app says which Gatehouse it is for, with the host.
	const uri = totpKeyUri(ISSUER, `${user.username}@${event.url.host}`, key);
	return {
		// Drawn on the server (no script), so the page works without JavaScript.
		qrCode: qrPath(uri),
		manualKey: manualEntryKey(key),
		askPassword: passwordNeededToAddFactor(session),
		username: user.username
	};
};

export const actions: Actions = {
	switchOn: async (event) => {
		const { user, session } = requireUser(event);
		if (!(await mayAddFactor(user, session))) redirect(303, '/account/two-step');
		const { values, problem } = readTextFields(await readForm(event.request), [
			'code',
			'currentPassword'
		]);
		if (problem) return invalid(problem);
		if (passwordNeededToAddFactor(session)) {
			if (values.currentPassword === '') {
				return invalid(
					'Enter your password to switch the app on.',
					{},
					{ currentPassword: 'Enter your password.' }
				);
			}
			const refused = await confirmPassword(event, user.id, values.currentPassword, 'switchOn');
			if (refused) return refused;
		}
		const key = keyBeingSetUp(event, user.id);
		if (!key) {
			return invalid(
				'The setup took too long and a new key was made: scan the QR code again, then enter its code.'
			);
		}
		const code = values.code.replace(/\s/g, '');
		if (!/^\d{6}$/.test(code)) {
			return invalid(
				'Enter the 6-digit code your app shows.',
				{},
				{ code: 'The code is 6 digits.' }
			);
		}
		const result = await store().update(async (tx) => {
			const switched = await switchOnAuthenticator(tx, user.id, key, code);
			// Typing a right code proves the factor: this session has passed it.
			if (switched.outcome === 'on') await markTwoStepPassed(tx, session.id);
			return switched;
		});
		if (result.outcome === 'wrong-code') {
			return invalid(
				'That code is not right. Check that the phone’s clock is set automatically, then enter the code the app shows now.',
				{},
				{ code: 'Check the code.' }
			);
		}
		endAuthenticatorSetup(event);
		if (result.outcome === 'already-on') {
			setFlash(event, 'The authenticator app is already on.');
			redirect(303, '/account#two-step');
		}
		const ip = clientAddress(event);
		await audit({ actor: user.username, action: 'two-step.authenticator-added', target: null, ip });
		if (result.recoveryCodes) {
			await audit({
				actor: user.username,
				action: 'two-step.recovery-codes-created',
				target: null,
				ip
			});
			showRecoveryCodesOnce(event, user.id, result.recoveryCodes);
			redirect(303, '/account/two-step/recovery-codes');
		}
		setFlash(event, 'The authenticator app is on.');
		redirect(303, '/account#two-step');
	}
};
