import type { Collection, Fail, Migration } from '../../store';
import { asObject, optionalText, text, timestamp } from '../../store/parse';

export interface ChatMessage {
	role: 'user' | 'assistant';
	content: string;
	at: string;
}

/** One conversation of one person with the model. */
export interface ChatRecord {
	id: string;
	userId: string;
	title: string;
	createdAt: string;
	updatedAt: string;
	messages: ChatMessage[];
}

function parseChatRecord(value: unknown, fail: Fail): ChatRecord {
	const record = asObject(value, fail);
	const messages = record.messages;
	if (!Array.isArray(messages)) fail('"messages" must be a list');
	return {
		id: text(record, 'id', fail),
		userId: text(record, 'userId', fail),
		title: optionalText(record, 'title', fail),
		createdAt: timestamp(record, 'createdAt', fail),
		updatedAt: timestamp(record, 'updatedAt', fail),
		messages: messages.map((item, index) => {
			const message = asObject(item, (problem) => fail(`messages[${index}] is ${problem}`));
			if (message.role !== 'user' && message.role !== 'assistant') {
				fail(`messages[${index}]: "role" must be "user" or "assistant"`);
			}
			if (typeof message.content !== 'string') fail(`messages[${index}]: "content" must be text`);
			return { role: message.role, content: message.content, at: timestamp(message, 'at', fail) };
		})
	};
}

/** Conversations of the chat tool, in `chats.json`. */
export const chats: Collection<ChatRecord, never, 'userId'> = {
	name: 'chats',
	fileName: 'chats.json',
	parse: parseChatRecord,
	unique: [],
	indexes: ['userId'],
	table: {
		columns: {
			id: 'text',
			userId: 'text',
			title: 'text',
			createdAt: 'timestamptz',
			updatedAt: 'timestamptz',
			messages: 'jsonb'
		},
		newest: 'updatedAt'
	}
};

/** The chat's table for the PostgreSQL backend: a person's chats go with their account. */
export const CHAT_MIGRATIONS: readonly Migration[] = [
	{
		id: 'chat-001-chats',
		sql: `
			create table chats (
				id text primary key,
				user_id text not null references users (id) on delete cascade,
				title text not null default '',
				created_at timestamptz not null,
				updated_at timestamptz not null,
				messages jsonb not null default '[]'
			);
			create index chats_by_user on chats (user_id);
			create index chats_newest on chats (updated_at, id);
		`
	}
];
