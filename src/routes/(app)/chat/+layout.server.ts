import { listChats } from '$lib/server/chat/chats';
import { config } from '$lib/server/config';
import { requireUser } from '$lib/server/guards';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = (event) => {
	const { user } = requireUser(event);
	const { baseUrl, model, maxMessageChars } = config().llm;
	return { chats: listChats(user.id), connected: baseUrl !== null, model, maxMessageChars };
};
