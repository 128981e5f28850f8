import { requireUser } from '$lib/server/auth/guards';
import { listChats } from '$lib/server/tools/chat/chats';
import { chatConfig } from '$lib/server/tools/chat/config';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { user } = requireUser(event);
	const { baseUrl, model, maxMessageChars } = chatConfig();
	return { chats: await listChats(user.id), connected: baseUrl !== null, model, maxMessageChars };
};
