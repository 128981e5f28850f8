import { redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { createChat } from '$lib/server/tools/chat/chats';
import { runTurn, startChat, startTurn } from '$lib/server/tools/chat/turn';
import type { Actions } from './$types';

// No load of its own: the chat layout's load already sends visitors to login.

/**
 * A new chat with its first message. Without JavaScript this waits for the whole answer; the
 * page's script sends `stream=1` and streams the answer from the chat's own page instead.
 */
async function start(event: RequestEvent) {
	const { user } = requireUser(event);
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['content', 'stream']);
	if (problem) return invalid(problem);
	const streamed = values.stream === '1';
	// Without JavaScript the answer comes now, so it counts as a message too.
	const refusal =
		(await startChat(user.id, values.content)) ??
		(streamed ? null : await startTurn(user.id, values.content));
	if (refusal) {
		if (refusal.retryAfter) event.setHeaders({ 'retry-after': String(refusal.retryAfter) });
		return invalid(refusal.message, { content: values.content }, {}, refusal.status);
	}
	const chat = await createChat(user.id, values.content);
	if (!streamed) await runTurn(chat, null, event.request.signal);
	redirect(303, `/chat/${chat.id}`);
}

export const actions: Actions = { start };
