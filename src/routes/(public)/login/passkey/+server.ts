import { json } from '@sveltejs/kit';
import { REFUSALS, SECOND_STEP_EXPIRED } from '$lib/server/auth/passkeys/refusals';
import { signInWithPasskey } from '$lib/server/auth/passkeys/sign-in';
import { readPendingSignIn } from '$lib/server/auth/two-step/pending-sign-in';
import { jsonRefusal, readJsonBody } from '$lib/server/http/json-body';
import { tooManyAttempts } from '$lib/server/http/rate-limit';
import { afterSignIn } from '$lib/server/apps/redirect-targets';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import type { RequestHandler } from './$types';

/**
 * POST `{ response, secondStep, redirectTo, remember }`: signs in with the passkey's answer and
 * says where to go next (`{ redirectTo }`), or why not (`{ message }`).
 */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const body = await readJsonBody(event.request);
	const pending = body.secondStep === true ? readPendingSignIn(event) : null;
	if (body.secondStep === true && !pending) return jsonRefusal(401, SECOND_STEP_EXPIRED);
	const result = await signInWithPasskey(event, body.response, pending, body.remember === true);
	switch (result.outcome) {
		case 'signed-in': {
			const target = typeof body.redirectTo === 'string' ? body.redirectTo : null;
			return json({ redirectTo: await afterSignIn(event.url, target) });
		}
		case 'blocked':
			return jsonRefusal(429, tooManyAttempts(event, result.retryAfter));
		case 'changed':
			return jsonRefusal(409, 'Your account changed while you were signing in. Please try again.');
		case 'refused':
			return jsonRefusal(REFUSALS[result.reason].status, REFUSALS[result.reason].message);
	}
};
