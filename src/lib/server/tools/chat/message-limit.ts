import type { LimitRule } from '../../config';
import { chatConfig } from './config';

/** Messages one person may send per minute: the one rule the page and the stream share. */
export function messageRule(): LimitRule {
	return { name: 'chat-user', max: chatConfig().requestsPerMinute, windowSeconds: 60 };
}

/**
 * Chats one person may start per minute. Starting a chat stores its first message before the
 * streamed answer is asked for (and counted), so without its own limit a loop could store
 * chats without end.
 */
export function newChatRule(): LimitRule {
	return { name: 'chat-new', max: chatConfig().requestsPerMinute, windowSeconds: 60 };
}
