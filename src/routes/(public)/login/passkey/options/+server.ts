import { json } from '@sveltejs/kit';
import { signInOptions } from '$lib/server/auth/passkeys/authentication';
import { SECOND_STEP_EXPIRED } from '$lib/server/auth/passkeys/refusals';
import { relyingParty } from '$lib/server/auth/passkeys/relying-party';
import { readPendingSignIn } from '$lib/server/auth/two-step/pending-sign-in';
import { clientAddress } from '$lib/server/http/client-address';
import { jsonRefusal, readJsonBody } from '$lib/server/http/json-body';
import { tooManyAttempts } from '$lib/server/http/rate-limit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/**
 * POST `{ secondStep }`: options for the browser's passkey dialog. For the second step after a
 * password, only that person's passkeys are offered.
 */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const body = await readJsonBody(event.request);
	const pending = body.secondStep === true ? readPendingSignIn(event) : null;
	if (body.secondStep === true && !pending) return jsonRefusal(401, SECOND_STEP_EXPIRED);
	const start = await signInOptions(relyingParty(event.url), pending, clientAddress(event));
	if ('blocked' in start) return jsonRefusal(429, tooManyAttempts(event, start.blocked));
	return json(start.options);
};
