import type { Handle } from '@sveltejs/kit';

let stopping = false;

/**
 * Called when the process is asked to stop. adapter-node closes idle keep-alive connections at
 * that moment, but a connection busy with a response then stays open until its keep-alive
 * timeout after the response, holding up the exit by seconds.
 */
export function stopKeepingAlive(): void {
	stopping = true;
}

/** While stopping, each response closes its connection, so the last one ends the process. */
export const closeConnectionsWhenStopping: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (stopping) {
		try {
			response.headers.set('connection', 'close');
		} catch {
			// immutable headers: the connection then ends with its keep-alive timeout
		}
	}
	return response;
};
