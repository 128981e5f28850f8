import type { LimitRule } from '../../config';
import { chatConfig } from './config';

/** Messages one person may send per minute: the one rule the page and the stream share. */
export function messageRule(): LimitRule {
	return { name: 'chat-user', max: chatConfig().requestsPerMinute, windowSeconds: 60 };
}
