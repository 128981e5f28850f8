import type { HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { appFormActions } from '$lib/server/apps/redirect-targets';
import { answerVerify } from '$lib/server/apps/verify';
import { identify } from '$lib/server/auth/session-handle';
import { bodyLimit } from '$lib/server/http/body-limit';
import { responseHeaders } from '$lib/server/http/headers';
import { UNAVAILABLE_MESSAGE } from '$lib/server/http/unavailable';
import { startServer } from '$lib/server/lifecycle';
import { StoreUnavailableError, StoreWriteError } from '$lib/server/store';
import { installedTools } from '$lib/server/tools';

export const init: ServerInit = () => startServer(installedTools);

/**
 * Answer the reverse proxy's `/auth/verify` at once (it has no route file: see `answerVerify`);
 * else refuse oversized bodies, find out who is asking, add the headers every response needs
 * (and on the login page, the protected apps to which its form may lead).
 */
export const handle = sequence(answerVerify, bodyLimit, identify, responseHeaders, appFormActions);

/** Never shows internals: the page gets a message and an id, the log gets the details. */
export const handleError: HandleServerError = ({ error, status, message }) => {
	// SvelteKit's own 4xx (no such page, a JSON body sent to a form action): the request was
	// wrong, not the server, and its message says how; nothing worth a stack trace in the log.
	if (status < 500) return { message };
	const errorId = crypto.randomUUID().slice(0, 8);
	if (error instanceof StoreWriteError) {
		console.error(`[${errorId}] ${error.message}`);
		return { message: 'Your change could not be saved. Please try again.', errorId };
	}
	if (error instanceof StoreUnavailableError) {
		console.error(`[${errorId}] ${error.message}`);
		return { message: UNAVAILABLE_MESSAGE, errorId };
	}
	console.error(`[${errorId}]`, error);
	return { message: 'Something went wrong on our side.', errorId };
};
