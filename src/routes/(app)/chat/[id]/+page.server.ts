import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { CHAT_TITLE_MAX } from '$lib/limits';
import { requireUser } from '$lib/server/auth/guards';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import { deleteChat, getChat, renameChat } from '$lib/server/tools/chat/chats';
import { LlmError } from '$lib/server/tools/chat/llm';
import { runTurn, startTurn } from '$lib/server/tools/chat/turn';
import type { Actions, PageServerLoad } from './$types';

/** The chat, if it is this person's own: anyone else's chat is a 404, checked on every request. */
async function ownChat(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const { user } = requireUser(event);
	const chat = await getChat(user.id, event.params.id ?? '');
	if (!chat) error(404, 'No such chat.');
	return chat;
}

export const load: PageServerLoad = async (event) => {
	const chat = await ownChat(event);
	return { chat: { id: chat.id, title: chat.title, messages: chat.messages } };
};

/** Without JavaScript: waits for the whole answer, then shows the conversation again. */
async function send(event: RequestEvent) {
	const chat = await ownChat(event);
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['content']);
	if (problem) return invalidFor('send', problem);
	const refusal = await startTurn(chat.userId, values.content);
	if (refusal) {
		if (refusal.retryAfter) event.setHeaders({ 'retry-after': String(refusal.retryAfter) });
		return invalidFor('send', refusal.message, { content: values.content }, {}, refusal.status);
	}
	try {
		for await (const piece of runTurn(chat, values.content, event.request.signal)) void piece;
	} catch (failure) {
		if (!(failure instanceof LlmError)) throw failure;
		return invalidFor('send', failure.message);
	}
	redirect(303, `/chat/${chat.id}`);
}

async function rename(event: RequestEvent) {
	const chat = await ownChat(event);
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['title']);
	if (problem) return invalidFor('rename', problem);
	const title = values.title.replace(/\s+/g, ' ').trim();
	if (title === '' || [...title].length > CHAT_TITLE_MAX) {
		const message = `Use 1 to ${CHAT_TITLE_MAX} characters.`;
		return invalidFor('rename', message, values, { title: message });
	}
	await renameChat(chat.id, title);
	redirect(303, `/chat/${chat.id}`);
}

async function remove(event: RequestEvent) {
	const chat = await ownChat(event);
	await deleteChat(chat.id);
	redirect(303, '/chat');
}

export const actions: Actions = { send, rename, delete: remove };
