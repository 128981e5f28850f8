import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { CHAT_TITLE_MAX } from '$lib/limits';
import { requireUser } from '$lib/server/auth/guards';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import { deleteChat, getChat, openQuestion, renameChat } from '$lib/server/tools/chat/chats';
import { runTurn, startTurn, type TurnRefusal } from '$lib/server/tools/chat/turn';
import { viewOf } from '$lib/server/tools/chat/view';
import type { Actions, PageServerLoad } from './$types';

/** The chat, if it is this person's own: anyone else's chat is a 404, checked on every request. */
async function ownChat(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const { user } = requireUser(event);
	const chat = await getChat(user.id, event.params.id ?? '');
	if (!chat) error(404, 'No such chat.');
	return { user, chat };
}

export const load: PageServerLoad = async (event) => {
	const { user, chat } = await ownChat(event);
	return {
		chat: viewOf(chat, user.role === 'admin'),
		confirmDelete: event.url.searchParams.has('confirmDelete')
	};
};

function refused(event: RequestEvent, refusal: TurnRefusal, content = '') {
	if (refusal.retryAfter) event.setHeaders({ 'retry-after': String(refusal.retryAfter) });
	return invalidFor('send', refusal.message, { content }, {}, refusal.status);
}

/** Without JavaScript: waits for the whole answer (a failure is kept in the chat), then shows it. */
async function send(event: RequestEvent) {
	const { chat } = await ownChat(event);
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['content']);
	if (problem) return invalidFor('send', problem);
	const refusal = await startTurn(chat.userId, values.content);
	if (refusal) return refused(event, refusal, values.content);
	await runTurn(chat, values.content, event.request.signal);
	redirect(303, `/chat/${chat.id}`);
}

/** "Try again": asks the last question again, in place of its failed answer. */
async function retry(event: RequestEvent) {
	const { chat } = await ownChat(event);
	const question = openQuestion(chat);
	if (question === null) return invalidFor('send', 'There is no question waiting for an answer.');
	const refusal = await startTurn(chat.userId, question);
	if (refusal) return refused(event, refusal);
	await runTurn(chat, null, event.request.signal);
	redirect(303, `/chat/${chat.id}`);
}

async function rename(event: RequestEvent) {
	const { chat } = await ownChat(event);
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

/** Only from the confirmation step (`?confirmDelete`), whose form says `confirm=yes`. */
async function remove(event: RequestEvent) {
	const { chat } = await ownChat(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['confirm']);
	if (problem || values.confirm !== 'yes') {
		return invalidFor('delete', 'Confirm that this chat should be deleted.');
	}
	await deleteChat(chat.id);
	redirect(303, '/chat');
}

export const actions: Actions = { send, retry, rename, delete: remove };
