import type { LimitRule } from '../../config';
import { checkAndCount, describeWait } from '../../http/rate-limit';
import { addMessage, contextOf, dropFailedAnswer, getChat } from './chats';
import type { ChatRecord } from './collection';
import { chatConfig } from './config';
import { LlmError, streamAnswer, type LlmMessage } from './llm';
import { messageRule, newChatRule } from './message-limit';

export interface TurnRefusal {
	status: 400 | 429 | 503;
	message: string;
	/** Seconds to wait, with a 429. */
	retryAfter?: number;
}

/** Checks a message before anything is stored. Null when it may be sent. */
export function refuseMessage(content: string): TurnRefusal | null {
	const { baseUrl, maxMessageChars } = chatConfig();
	if (!baseUrl) return { status: 503, message: 'No model is connected yet.' };
	if (content.trim() === '') return { status: 400, message: 'Type a message first.' };
	if ([...content].length > maxMessageChars) {
		return { status: 400, message: `Keep a message under ${maxMessageChars} characters.` };
	}
	return null;
}

/**
 * Checks a message, then counts it against one of the person's per-minute limits in the same
 * change as the check. Null when it may go on; `counted` words what the limit counts.
 */
async function checkAndCountMessage(
	rule: LimitRule,
	counted: (max: number) => string,
	userId: string,
	content: string,
	now: number
): Promise<TurnRefusal | null> {
	const refusal = refuseMessage(content);
	if (refusal) return refusal;
	const wait = await checkAndCount(rule, userId, now);
	if (wait === 0) return null;
	return {
		status: 429,
		retryAfter: wait,
		message: `You have ${counted(rule.max)} in a minute. Please wait ${describeWait(wait)}.`
	};
}

/** A message about to go to the model, counted against the messages a minute. */
export function startTurn(userId: string, content: string, now = Date.now()) {
	return checkAndCountMessage(messageRule(), (max) => `sent ${max} messages`, userId, content, now);
}

/**
 * The first message of a new chat, counted against the chats started a minute (its answer is
 * counted as a message when it is asked for).
 */
export function startChat(userId: string, content: string, now = Date.now()) {
	return checkAndCountMessage(newChatRule(), (max) => `started ${max} chats`, userId, content, now);
}

export type TurnEnd = { status: 'answered' | 'stopped' } | { status: 'failed'; error: LlmError };

/** Answers being written now, per chat, so that Stop (a request of its own) can end them. */
const running = new Map<string, Set<AbortController>>();

/** Ends the answers being written in this chat; each keeps what arrived, marked as stopped. */
export function stopAnswers(chatId: string): void {
	for (const answer of running.get(chatId) ?? []) answer.abort();
}

/**
 * Stores the person's new message (or, with null, asks the open question again, dropping a
 * failed answer), streams the model's answer to `onPiece` and stores it. An answer cut short
 * by Stop keeps what arrived, marked as stopped; a failed one is stored with what went wrong.
 */
export async function runTurn(
	chat: ChatRecord,
	newMessage: string | null,
	signal: AbortSignal,
	onPiece: (piece: string) => void = () => {}
): Promise<TurnEnd> {
	if (newMessage === null) await dropFailedAnswer(chat.id);
	else await addMessage(chat.id, { role: 'user', content: newMessage });
	const current = await getChat(chat.userId, chat.id);
	if (!current) return { status: 'failed', error: new LlmError('the chat was deleted', []) };
	const config = chatConfig();
	const messages: LlmMessage[] = [
		...(config.systemPrompt ? [{ role: 'system' as const, content: config.systemPrompt }] : []),
		...contextOf(current)
	];
	const stop = new AbortController();
	const answers = running.get(chat.id) ?? new Set();
	running.set(chat.id, answers.add(stop));
	const stopped = AbortSignal.any([signal, stop.signal]);
	let answer = '';
	try {
		for await (const piece of streamAnswer(config, messages, stopped)) {
			answer += piece;
			onPiece(piece);
		}
	} catch (error) {
		if (!(error instanceof LlmError)) throw error;
		if (stopped.aborted) {
			await addMessage(chat.id, { role: 'assistant', content: answer, status: 'stopped' });
			return { status: 'stopped' };
		}
		return storeFailure(chat.id, answer, error);
	} finally {
		answers.delete(stop);
		if (answers.size === 0) running.delete(chat.id);
	}
	if (answer === '') {
		return storeFailure(chat.id, '', new LlmError('the model sent an empty answer', ['LLM_MODEL']));
	}
	await addMessage(chat.id, { role: 'assistant', content: answer });
	return { status: 'answered' };
}

/** Keeps a failed answer (what arrived of it) with what went wrong, for admins to read. */
async function storeFailure(chatId: string, answer: string, error: LlmError): Promise<TurnEnd> {
	await addMessage(chatId, {
		role: 'assistant',
		content: answer,
		status: 'failed',
		error: error.forAdmins
	});
	return { status: 'failed', error };
}
