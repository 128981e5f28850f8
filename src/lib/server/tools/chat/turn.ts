import { checkAndCount, describeWait } from '../../http/rate-limit';
import { addMessage, contextOf, getChat } from './chats';
import type { ChatRecord } from './collection';
import { chatConfig } from './config';
import { LlmError, streamAnswer, type LlmMessage } from './llm';
import { messageRule } from './message-limit';

export interface TurnRefusal {
	status: 400 | 429 | 503;
	message: string;
	/** Seconds to wait, with a 429. */
	retryAfter?: number;
}

/**
 * Checks a message before anything is stored, and counts it against the person's per-minute
 * limit in the same change as the check. Null when it may be sent.
 */
export async function startTurn(
	userId: string,
	content: string,
	now = Date.now()
): Promise<TurnRefusal | null> {
	const { baseUrl, maxMessageChars, requestsPerMinute } = chatConfig();
	if (!baseUrl) return { status: 503, message: 'No model is connected yet.' };
	if (content.trim() === '') return { status: 400, message: 'Type a message first.' };
	if ([...content].length > maxMessageChars) {
		return { status: 400, message: `Keep a message under ${maxMessageChars} characters.` };
	}
	const wait = await checkAndCount(messageRule(), userId, now);
	if (wait === 0) return null;
	return {
		status: 429,
		retryAfter: wait,
		message: `You have sent ${requestsPerMinute} messages in a minute. Please wait ${describeWait(wait)}.`
	};
}

/**
 * Stores the person's message, streams the model's answer and stores it too. If the person
 * stops the answer, what arrived so far is kept. Failures throw LlmError with a message to show.
 */
export async function* runTurn(
	chat: ChatRecord,
	content: string,
	signal: AbortSignal
): AsyncGenerator<string> {
	await addMessage(chat.id, { role: 'user', content });
	const current = await getChat(chat.userId, chat.id);
	if (!current) throw new LlmError('This chat was deleted.');
	const config = chatConfig();
	const messages: LlmMessage[] = [
		...(config.systemPrompt ? [{ role: 'system' as const, content: config.systemPrompt }] : []),
		...contextOf(current)
	];
	let answer = '';
	try {
		for await (const piece of streamAnswer(config, messages, signal)) {
			answer += piece;
			yield piece;
		}
	} catch (error) {
		if (answer !== '' && signal.aborted) {
			await addMessage(chat.id, { role: 'assistant', content: answer });
		}
		throw error;
	}
	if (answer !== '') await addMessage(chat.id, { role: 'assistant', content: answer });
}
