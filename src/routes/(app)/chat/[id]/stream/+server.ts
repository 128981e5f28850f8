import { error } from '@sveltejs/kit';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { getChat } from '$lib/server/tools/chat/chats';
import { LlmError } from '$lib/server/tools/chat/llm';
import { runTurn, startTurn } from '$lib/server/tools/chat/turn';
import type { RequestHandler } from './$types';

const encoder = new TextEncoder();
const event = (name: string, data: unknown) =>
	encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

/**
 * POST { content } → the answer as server-sent events: `token` pieces, then `done`, or an
 * `error` with a message for the conversation. The model is called from here, so its API key
 * never reaches the browser.
 */
export const POST: RequestHandler = async (request) => {
	requireSameOrigin(request);
	const { locals, params } = request;
	if (!locals.user) error(401, 'Please sign in again.');
	const chat = await getChat(locals.user.id, params.id);
	if (!chat) error(404, 'No such chat.');
	let content: unknown;
	try {
		content = ((await request.request.json()) as { content?: unknown }).content;
	} catch {
		error(400, 'Send JSON: { "content": "..." }');
	}
	if (typeof content !== 'string') error(400, 'The message must be text.');
	const refusal = await startTurn(chat.userId, content);
	if (refusal) {
		if (refusal.retryAfter) request.setHeaders({ 'retry-after': String(refusal.retryAfter) });
		error(refusal.status, refusal.message);
	}

	// Stop (the browser closing the stream) ends the call to the model too.
	const stopped = new AbortController();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (chunk: Uint8Array) => {
				if (!stopped.signal.aborted) controller.enqueue(chunk);
			};
			try {
				const signal = AbortSignal.any([request.request.signal, stopped.signal]);
				for await (const piece of runTurn(chat, content, signal)) send(event('token', piece));
				send(event('done', {}));
			} catch (failure) {
				const message =
					failure instanceof LlmError ? failure.message : 'Something went wrong on our side.';
				if (!(failure instanceof LlmError)) console.error(failure);
				send(event('error', message));
			} finally {
				if (!stopped.signal.aborted) controller.close();
			}
		},
		cancel() {
			stopped.abort();
		}
	});
	return new Response(stream, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			'x-accel-buffering': 'no'
		}
	});
};
