import type { Collection, Fail, Migration } from '../../store';
import { asObject, optionalText, text, timestamp } from '../../store/parse';

export interface ChatMessage {
	role: 'user' | 'assistant';
	content: string;
	at: string;
	/** An answer that did not finish: cut short by Stop, or failed. Absent: a whole answer. */
	status?: AnswerStatus;
	/** Why a failed answer failed, naming the setting to check: shown to admins only. */
	error?: string;
}

export type AnswerStatus = 'stopped' | 'failed';

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
		messages: messages.map((item, index) =>
			parseMessage(item, (problem) => fail(`messages[${index}]: ${problem}`))
		)
	};
}

/** Messages stored before Stop and failures were kept have neither `status` nor `error`. */
function parseMessage(value: unknown, fail: Fail): ChatMessage {
	const message = asObject(value, (problem) => fail(`is ${problem}`));
	const { role, content, status, error } = message;
	if (role !== 'user' && role !== 'assistant') fail('"role" must be "user" or "assistant"');
	if (typeof content !== 'string') fail('"content" must be text');
	const parsed: ChatMessage = { role, content, at: timestamp(message, 'at', fail) };
	if (status !== undefined) {
		if (status !== 'stopped' && status !== 'failed') fail('"status" must be "stopped" or "failed"');
		if (role !== 'assistant') fail('only an answer has a "status"');
		parsed.status = status;
	}
	if (error !== undefined) {
		if (typeof error !== 'string') fail('"error" must be text');
		if (status !== 'failed') fail('only a failed answer has an "error"');
		parsed.error = error;
	}
	return parsed;
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
