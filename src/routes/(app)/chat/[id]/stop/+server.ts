import { error } from '@sveltejs/kit';
import { requireUserForEndpoint } from '$lib/server/auth/guards';
import { requireSameOrigin } from '$lib/server/http/same-origin';
import { getChat } from '$lib/server/tools/chat/chats';
import { stopAnswers } from '$lib/server/tools/chat/turn';
import type { RequestHandler } from './$types';

/**
 * POST: Stop. The answer's own stream then stores what arrived, marked as stopped, and ends
 * with a `stopped` event, so the page reloads the chat only once that is stored.
 */
export const POST: RequestHandler = async (event) => {
	requireSameOrigin(event);
	const { user } = requireUserForEndpoint(event);
	const chat = await getChat(user.id, event.params.id);
	if (!chat) error(404, 'No such chat.');
	stopAnswers(chat.id);
	return new Response(null, { status: 204 });
};
