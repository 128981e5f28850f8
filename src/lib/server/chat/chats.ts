import { randomUUID } from 'node:crypto';
import { store, type ChatMessage, type ChatRecord } from '../store';

export const TITLE_MAX = 80;
/** How much of a conversation goes back to the model: the newest messages up to this size. */
const CONTEXT_CHARS = 24_000;

export interface ChatSummary {
	id: string;
	title: string;
	updatedAt: string;
}

/** A person's chats, newest first. */
export function listChats(userId: string): ChatSummary[] {
	const chats: ChatSummary[] = [];
	for (const chat of store().chats.values()) {
		if (chat.userId === userId)
			chats.push({ id: chat.id, title: chat.title, updatedAt: chat.updatedAt });
	}
	return chats.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The chat if it belongs to `userId`; someone else's chat is as absent as a missing one. */
export function getChat(userId: string, chatId: string): ChatRecord | null {
	const chat = store().chats.get(chatId);
	return chat && chat.userId === userId ? chat : null;
}

export async function createChat(userId: string): Promise<ChatRecord> {
	const now = new Date().toISOString();
	const chat: ChatRecord = {
		id: randomUUID(),
		userId,
		title: 'New chat',
		createdAt: now,
		updatedAt: now,
		messages: []
	};
	store().chats.insert(chat);
	await store().chats.save();
	return chat;
}

export async function renameChat(chat: ChatRecord, title: string): Promise<void> {
	store().chats.replace({ ...chat, title });
	await store().chats.save();
}

export async function deleteChat(chat: ChatRecord): Promise<void> {
	if (store().chats.remove(chat.id)) await store().chats.save();
}

/** Removes every chat of a user (account deletion). In memory only: the caller saves. */
export function dropUserChats(userId: string): void {
	for (const chat of [...store().chats.values()]) {
		if (chat.userId === userId) store().chats.remove(chat.id);
	}
}

/** Appends a message; the first one also names a chat that still has the default title. */
export async function addMessage(chatId: string, message: Omit<ChatMessage, 'at'>): Promise<void> {
	const chats = store().chats;
	const chat = chats.get(chatId);
	if (!chat) return;
	const at = new Date().toISOString();
	const title =
		chat.messages.length === 0 && chat.title === 'New chat' && message.role === 'user'
			? message.content.replace(/\s+/g, ' ').trim().slice(0, 60) || chat.title
			: chat.title;
	chats.replace({
		...chat,
		title,
		updatedAt: at,
		messages: [...chat.messages, { ...message, at }]
	});
	await chats.save();
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
