import { json } from '@sveltejs/kit';
import { PASSKEY_NAME_MAX } from '$lib/limits';
import { audit } from '$lib/server/audit/audit';
import { requirePerson } from '$lib/server/auth/passkeys/endpoint-guard';
import { cleanPasskeyName } from '$lib/server/auth/passkeys/manage';
import { addPasskey } from '$lib/server/auth/passkeys/registration';
import { showRecoveryCodesOnce } from '$lib/server/auth/two-step/codes-handover';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { jsonRefusal, readJsonBody } from '$lib/server/http/json-body';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/**
 * POST `{ name, response }`: keeps the passkey the browser made. Answers `{ recoveryCodes }`,
 * true when this first factor came with recovery codes (shown once on their own page).
 */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const person = await requirePerson(event);
	const body = await readJsonBody(event.request);
	const name = typeof body.name === 'string' ? cleanPasskeyName(body.name) : null;
	if (name === null) {
		return jsonRefusal(400, `Give the passkey a name of 1 to ${PASSKEY_NAME_MAX} characters.`);
	}
	const result = await addPasskey(event, person, name, body.response);
	if (result.outcome === 'refused') return jsonRefusal(400, result.message);
	await audit({
		actor: person.user.username,
		action: 'two-step.passkey-added',
		target: null,
		ip: clientAddress(event),
		detail: name
	});
	if (result.recoveryCodes) showRecoveryCodesOnce(event, person.user.id, result.recoveryCodes);
	setFlash(event, `Passkey "${name}" added.`);
	return json({ recoveryCodes: result.recoveryCodes !== null });
};
