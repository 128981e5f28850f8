import { error } from '@sveltejs/kit';
import { requireUserForEndpoint } from '$lib/server/auth/guards';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { getChat, openQuestion } from '$lib/server/tools/chat/chats';
import { runTurn, startTurn, type TurnEnd } from '$lib/server/tools/chat/turn';
import { failureFor } from '$lib/server/tools/chat/view';
import type { RequestHandler } from './$types';

const encoder = new TextEncoder();
const event = (name: string, data: unknown) =>
	encoder.encode(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

/** Reads `{ content }` (a new message) or `{ again: true }` (answer the open question). */
async function readAsk(request: Request): Promise<{ content?: unknown; again?: unknown }> {
	try {
		const body: unknown = await request.json();
		if (typeof body === 'object' && body !== null) return body;
	} catch {
		// answered below
	}
	error(400, 'Send JSON: { "content": "..." } or { "again": true }');
}

/**
 * POST { content } or { again: true } → the answer as server-sent events: `token` pieces, then
 * `done`, `stopped` (after Stop), or an `error` with a message for the conversation. The model
 * is called from here, so its API key never reaches the browser.
 */
export const POST: RequestHandler = async (request) => {
	requireSameOrigin(request);
	const { user } = requireUserForEndpoint(request);
	const isAdmin = user.role === 'admin';
	const chat = await getChat(user.id, request.params.id);
	if (!chat) error(404, 'No such chat.');
	const ask = await readAsk(request.request);
	const again = ask.again === true;
	const content = again ? openQuestion(chat) : ask.content;
	if (again && content === null) error(409, 'There is no question waiting for an answer.');
	if (typeof content !== 'string') error(400, 'The message must be text.');
	const refusal = await startTurn(chat.userId, content);
	if (refusal) {
		if (refusal.retryAfter) request.setHeaders({ 'retry-after': String(refusal.retryAfter) });
		error(refusal.status, refusal.message);
	}

	// The browser closing the stream ends the call to the model too (and counts as Stop).
	const closed = new AbortController();
	const stream = new ReadableStream<Uint8Array>({
		async start(controller) {
			const send = (chunk: Uint8Array) => {
				if (!closed.signal.aborted) controller.enqueue(chunk);
			};
			try {
				const signal = AbortSignal.any([request.request.signal, closed.signal]);
				const onPiece = (piece: string) => send(event('token', piece));
				const end = await runTurn(chat, again ? null : content, signal, onPiece);
				send(ending(end, isAdmin));
			} catch (failure) {
				console.error(failure);
				send(event('error', 'Something went wrong on our side.'));
			} finally {
				if (!closed.signal.aborted) controller.close();
			}
		},
		cancel() {
			closed.abort();
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

function ending(end: TurnEnd, isAdmin: boolean): Uint8Array {
	if (end.status === 'failed') return event('error', failureFor(isAdmin, end.error.forAdmins));
	return event(end.status === 'answered' ? 'done' : 'stopped', {});
}
