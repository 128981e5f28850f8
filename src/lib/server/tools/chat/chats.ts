import { randomUUID } from 'node:crypto';
import { store, type Transaction } from '../../store';
import { chats, type ChatMessage, type ChatRecord } from './collection';

/** How much of a conversation goes back to the model: the newest messages up to this size. */
const CONTEXT_CHARS = 24_000;
const DEFAULT_TITLE = 'New chat';

export interface ChatSummary {
	id: string;
	title: string;
	updatedAt: string;
}

/** A person's chats, newest first. */
export async function listChats(userId: string): Promise<ChatSummary[]> {
	const own = await store().of(chats).listBy('userId', userId);
	return own
		.map(({ id, title, updatedAt }) => ({ id, title, updatedAt }))
		.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The chat if it belongs to `userId`; someone else's chat is as absent as a missing one. */
export async function getChat(userId: string, chatId: string): Promise<ChatRecord | null> {
	const chat = await store().of(chats).get(chatId);
	return chat && chat.userId === userId ? chat : null;
}

/** A new chat that starts with the person's first message, named after it. */
export async function createChat(userId: string, question: string): Promise<ChatRecord> {
	const now = new Date().toISOString();
	const chat: ChatRecord = {
		id: randomUUID(),
		userId,
		title: titleFrom(question) || DEFAULT_TITLE,
		createdAt: now,
		updatedAt: now,
		messages: [{ role: 'user', content: question, at: now }]
	};
	await store().update((tx) => tx.of(chats).insert(chat));
	return chat;
}

export async function renameChat(chatId: string, title: string): Promise<void> {
	await store().update(async (tx) => {
		const chat = await tx.of(chats).get(chatId);
		if (chat) await tx.of(chats).replace({ ...chat, title });
	});
}

export async function deleteChat(chatId: string): Promise<void> {
	await store().update((tx) => tx.of(chats).remove(chatId));
}

/** Appends a message; the first one also names a chat that still has the default title. */
export async function addMessage(chatId: string, message: Omit<ChatMessage, 'at'>): Promise<void> {
	await store().update(async (tx) => {
		const chat = await tx.of(chats).get(chatId);
		if (!chat) return;
		const at = new Date().toISOString();
		const title =
			chat.messages.length === 0 && chat.title === DEFAULT_TITLE && message.role === 'user'
				? titleFrom(message.content) || chat.title
				: chat.title;
		await tx.of(chats).replace({
			...chat,
			title,
			updatedAt: at,
			messages: [...chat.messages, { ...message, at }]
		});
	});
}

function titleFrom(question: string): string {
	return question.replace(/\s+/g, ' ').trim().slice(0, 60);
}

/**
 * The question still waiting for an answer: the last message if it is the person's, or the one
 * before a failed answer (what "Try again" asks again). Null when the last answer stands.
 */
export function openQuestion(chat: ChatRecord): string | null {
	const last = chat.messages.at(-1);
	const before = chat.messages.at(-2);
	if (last?.role === 'user') return last.content;
	if (last?.status === 'failed' && before?.role === 'user') return before.content;
	return null;
}

/** Removes a failed answer at the end of the chat, before it is asked again. */
export async function dropFailedAnswer(chatId: string): Promise<void> {
	await store().update(async (tx) => {
		const chat = await tx.of(chats).get(chatId);
		if (chat?.messages.at(-1)?.status !== 'failed') return;
		await tx.of(chats).replace({ ...chat, messages: chat.messages.slice(0, -1) });
	});
}

type ContextMessage = Pick<ChatMessage, 'role' | 'content'>;

/** The newest messages that fit the context budget, oldest first; failed answers left out. */
export function contextOf(chat: ChatRecord): ContextMessage[] {
	const picked: ContextMessage[] = [];
	let size = 0;
	for (let i = chat.messages.length - 1; i >= 0; i--) {
		const message = chat.messages[i];
		if (!message || (size + message.content.length > CONTEXT_CHARS && picked.length > 0)) break;
		if (message.status === 'failed' || message.content === '') continue;
		size += message.content.length;
		picked.unshift({ role: message.role, content: message.content });
	}
	return picked;
}

export async function deleteUserChats(tx: Transaction, userId: string): Promise<void> {
	await tx.of(chats).removeBy('userId', userId);
}

/**
 * A person's conversations for their data download. An unfinished answer says it was stopped
 * or failed; why it failed is about the server's settings, not the person's data.
 */
export async function exportChats(userId: string) {
	const own = await store().of(chats).listBy('userId', userId);
	return own
		.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
		.map((chat) => ({
			title: chat.title,
			createdAt: chat.createdAt,
			messages: chat.messages.map(({ role, content, at, status }) =>
				status ? { role, content, at, status } : { role, content, at }
			)
		}));
}
