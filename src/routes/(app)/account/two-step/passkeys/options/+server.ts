import { json } from '@sveltejs/kit';
import { requirePerson } from '$lib/server/auth/passkeys/endpoint-guard';
import { passwordRefusal } from '$lib/server/auth/passkeys/password-check';
import { registrationOptions } from '$lib/server/auth/passkeys/registration';
import { clientAddress } from '$lib/server/http/client-address';
import { jsonRefusal } from '$lib/server/http/json-body';
import { tooManyAttempts } from '$lib/server/http/rate-limit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/**
 * POST `{ currentPassword? }`: the options for the browser's "create a passkey" dialog, with a
 * fresh challenge; the password only when the session is not fresh.
 */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const person = await requirePerson(event);
	// Asked before the device is: without it there is no challenge, so no passkey.
	const refused = await passwordRefusal(event, person.session);
	if (refused) return refused;
	const start = await registrationOptions(event, person, clientAddress(event));
	if ('blocked' in start) return jsonRefusal(429, tooManyAttempts(event, start.blocked));
	if ('refused' in start) return jsonRefusal(409, start.refused);
	return json(start.options);
};
