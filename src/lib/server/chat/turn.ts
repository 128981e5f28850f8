import { config } from '../config';
import { recordHit, retryAfterSeconds, describeWait } from '../rate-limit';
import type { ChatRecord } from '../store';
import { addMessage, contextOf, getChat } from './chats';
import { LlmError, streamAnswer, type LlmMessage } from './llm';

export interface TurnRefusal {
	status: 400 | 429 | 503;
	message: string;
}

const perMinute = () => ({ max: config().llm.requestsPerMinute, windowSeconds: 60 });

/** Why this message cannot be sent now, or null. Checked before anything is stored. */
export function refuseTurn(userId: string, content: string): TurnRefusal | null {
	const llm = config().llm;
	if (!llm.baseUrl) return { status: 503, message: 'No model is connected yet.' };
	if (content.trim() === '') return { status: 400, message: 'Type a message first.' };
	if ([...content].length > llm.maxMessageChars) {
		return { status: 400, message: `Keep a message under ${llm.maxMessageChars} characters.` };
	}
	const wait = retryAfterSeconds('chat-user', userId, perMinute());
	if (wait > 0) {
		return {
			status: 429,
			message: `You have sent ${llm.requestsPerMinute} messages in a minute. Please wait ${describeWait(wait)}.`
		};
	}
	return null;
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
	await recordHit('chat-user', chat.userId, perMinute());
	await addMessage(chat.id, { role: 'user', content });
	const current = getChat(chat.userId, chat.id);
	if (!current) throw new LlmError('This chat was deleted.');
	const { systemPrompt } = config().llm;
	const messages: LlmMessage[] = [
		...(systemPrompt ? [{ role: 'system' as const, content: systemPrompt }] : []),
		...contextOf(current)
	];
	let answer = '';
	try {
		for await (const piece of streamAnswer(config().llm, messages, signal)) {
			answer += piece;
			yield piece;
		}
	} catch (error) {
		if (answer !== '' && signal.aborted)
			await addMessage(chat.id, { role: 'assistant', content: answer });
		throw error;
	}
	if (answer !== '') await addMessage(chat.id, { role: 'assistant', content: answer });
}
