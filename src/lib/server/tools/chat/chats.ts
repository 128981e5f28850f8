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

export async function createChat(userId: string): Promise<ChatRecord> {
	const now = new Date().toISOString();
	const chat: ChatRecord = {
		id: randomUUID(),
		userId,
		title: DEFAULT_TITLE,
		createdAt: now,
		updatedAt: now,
		messages: []
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
				? message.content.replace(/\s+/g, ' ').trim().slice(0, 60) || chat.title
				: chat.title;
		await tx.of(chats).replace({
			...chat,
			title,
			updatedAt: at,
			messages: [...chat.messages, { ...message, at }]
		});
	});
}

/** The newest messages that fit the context budget, oldest first. */
export function contextOf(chat: ChatRecord): Array<Omit<ChatMessage, 'at'>> {
	const picked: Array<Omit<ChatMessage, 'at'>> = [];
	let size = 0;
	for (let i = chat.messages.length - 1; i >= 0; i--) {
		const message = chat.messages[i];
		if (!message || (size + message.content.length > CONTEXT_CHARS && picked.length > 0)) break;
		size += message.content.length;
		picked.unshift({ role: message.role, content: message.content });
	}
	return picked;
}

export async function deleteUserChats(tx: Transaction, userId: string): Promise<void> {
	await tx.of(chats).removeBy('userId', userId);
}

/** A person's conversations for their data download. */
export async function exportChats(userId: string) {
	const own = await store().of(chats).listBy('userId', userId);
	return own
		.sort((a, b) => a.createdAt.localeCompare(b.createdAt))
		.map((chat) => ({ title: chat.title, createdAt: chat.createdAt, messages: chat.messages }));
}
