import { json } from '@sveltejs/kit';
import { requirePerson } from '$lib/server/auth/passkeys/endpoint-guard';
import { registrationOptions } from '$lib/server/auth/passkeys/registration';
import { clientAddress } from '$lib/server/http/client-address';
import { jsonRefusal } from '$lib/server/http/json-body';
import { tooManyAttempts } from '$lib/server/http/rate-limit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/** POST: the options for the browser's "create a passkey" dialog, with a fresh challenge. */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const person = await requirePerson(event);
	const start = await registrationOptions(event, person, clientAddress(event));
	if ('blocked' in start) return jsonRefusal(429, tooManyAttempts(event, start.blocked));
	if ('refused' in start) return jsonRefusal(409, start.refused);
	return json(start.options);
};
