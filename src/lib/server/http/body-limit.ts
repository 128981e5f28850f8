import type { Handle } from '@sveltejs/kit';
import { applySecurityHeaders } from './headers';

/** Largest form body any page here accepts; anything bigger is refused before it is read. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request with its body held to MAX_BODY_BYTES, or null when it is larger. A declared
 * length is checked without reading; a chunked body (no length) is read up to the limit.
 */
async function limitBody(request: Request): Promise<Request | null> {
	if (!request.body) return request;
	const declared = request.headers.get('content-length');
	if (declared !== null) return Number(declared) > MAX_BODY_BYTES ? null : request;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > MAX_BODY_BYTES) {
			// Stop reading but do not cancel: cancelling resets the connection before the 413 is
			// sent. Node discards the rest of the body once the response is out.
			reader.releaseLock();
			return null;
		}
		chunks.push(value);
	}
	return new Request(request, { body: Buffer.concat(chunks) });
}

export const bodyLimit: Handle = async ({ event, resolve }) => {
	const limited = await limitBody(event.request);
	if (!limited) {
		const response = new Response('That request is too large.', {
			status: 413,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
		applySecurityHeaders(response.headers, {
			https: event.url.protocol === 'https:',
			personal: false
		});
		return response;
	}
	event.request = limited;
	return resolve(event);
};
