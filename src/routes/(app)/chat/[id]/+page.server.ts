import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { deleteChat, getChat, renameChat, TITLE_MAX } from '$lib/server/chat/chats';
import { LlmError } from '$lib/server/chat/llm';
import { refuseTurn, runTurn } from '$lib/server/chat/turn';
import { invalidFor, readForm, readTextFields } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import type { Actions, PageServerLoad } from './$types';

/** The chat, if it is this person's own: anyone else's chat is a 404, checked on every request. */
function ownChat(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const { user } = requireUser(event);
	const chat = getChat(user.id, event.params.id ?? '');
	if (!chat) error(404, 'No such chat.');
	return chat;
}

export const load: PageServerLoad = (event) => {
	const chat = ownChat(event);
	return { chat: { id: chat.id, title: chat.title, messages: chat.messages } };
};

export const actions: Actions = {
	/** Without JavaScript: waits for the whole answer, then shows the conversation again. */
	send: async (event) => {
		const chat = ownChat(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['content']);
		if (problem) return invalidFor('send', problem);
		const refusal = refuseTurn(chat.userId, values.content);
		if (refusal) {
			return invalidFor('send', refusal.message, { content: values.content });
		}
		try {
			for await (const piece of runTurn(chat, values.content, event.request.signal)) void piece;
		} catch (failure) {
			if (!(failure instanceof LlmError)) throw failure;
			return invalidFor('send', failure.message);
		}
		redirect(303, `/chat/${chat.id}`);
	},

	rename: async (event) => {
		const chat = ownChat(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['title']);
		if (problem) return invalidFor('rename', problem);
		const title = values.title.replace(/\s+/g, ' ').trim();
		if (title === '' || [...title].length > TITLE_MAX) {
			return invalidFor('rename', `Use 1 to ${TITLE_MAX} characters.`, values, {
				title: `Use 1 to ${TITLE_MAX} characters.`
			});
		}
		await renameChat(chat, title);
		redirect(303, `/chat/${chat.id}`);
	},

	delete: async (event) => {
		const chat = ownChat(event);
		await deleteChat(chat);
		redirect(303, '/chat');
	}
};
