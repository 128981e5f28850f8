import { describe, expect, it } from 'vitest';
import { openQuestion } from './chats';
import { chats, type ChatRecord } from './collection';

const at = '2025-01-02T03:04:05.000Z';
const fail = (problem: string): never => {
	throw new Error(problem);
};
const record = (messages: unknown[]) => ({
	id: 'c1',
	userId: 'u1',
	title: 'Plans',
	createdAt: at,
	updatedAt: at,
	messages
});

describe('chat records', () => {
	it('reads messages stored before answers had a status', () => {
		const old = record([
			{ role: 'user', content: 'hi', at },
			{ role: 'assistant', content: 'hello', at }
		]);
		expect(chats.parse(old, fail)).toEqual(old);
	});

	it('reads stopped and failed answers', () => {
		const stored = record([
			{ role: 'user', content: 'hi', at },
			{ role: 'assistant', content: 'hel', at, status: 'stopped' },
			{ role: 'user', content: 'again', at },
			{ role: 'assistant', content: '', at, status: 'failed', error: 'Check LLM_MODEL: x' }
		]);
		expect(chats.parse(stored, fail)).toEqual(stored);
	});

	it.each([
		[{ role: 'assistant', content: '', at, status: 'done' }, '"status" must be'],
		[{ role: 'user', content: 'hi', at, status: 'failed' }, 'only an answer'],
		[{ role: 'assistant', content: '', at, error: 'x' }, 'only a failed answer'],
		[{ role: 'assistant', content: '', at, status: 'failed', error: 3 }, '"error" must be text'],
		[{ role: 'robot', content: '', at }, '"role" must be']
	])('refuses %j', (message, problem) => {
		expect(() => chats.parse(record([message]), fail)).toThrow(`messages[0]: ${problem}`);
	});
});

describe('openQuestion', () => {
	const chat = (messages: ChatRecord['messages']): ChatRecord => ({
		...record([]),
		messages
	});

	it('is the last question without an answer, or with a failed one', () => {
		const question = { role: 'user', content: 'why?', at } as const;
		expect(openQuestion(chat([question]))).toBe('why?');
		expect(
			openQuestion(chat([question, { role: 'assistant', content: '', at, status: 'failed' }]))
		).toBe('why?');
		expect(
			openQuestion(chat([question, { role: 'assistant', content: 'so', at, status: 'stopped' }]))
		).toBe(null);
		expect(openQuestion(chat([question, { role: 'assistant', content: 'because', at }]))).toBe(
			null
		);
		expect(openQuestion(chat([]))).toBe(null);
	});
});
