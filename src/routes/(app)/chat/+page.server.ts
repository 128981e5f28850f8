import { error, redirect } from '@sveltejs/kit';
import { createChat } from '$lib/server/chat/chats';
import { config } from '$lib/server/config';
import { requireUser } from '$lib/server/guards';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => {
	requireUser(event);
};

export const actions: Actions = {
	new: async (event) => {
		const { user } = requireUser(event);
		if (!config().llm.baseUrl) error(503, 'No model is connected yet.');
		const chat = await createChat(user.id);
		redirect(303, `/chat/${chat.id}`);
	}
};
