import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { requireUser } from '$lib/server/auth/guards';
import { createChat } from '$lib/server/tools/chat/chats';
import { chatConfig } from '$lib/server/tools/chat/config';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireUser(event);
};

async function newChat(event: RequestEvent) {
	const { user } = requireUser(event);
	if (!chatConfig().baseUrl) error(503, 'No model is connected yet.');
	const chat = await createChat(user.id);
	redirect(303, `/chat/${chat.id}`);
}

export const actions: Actions = { new: newChat };
