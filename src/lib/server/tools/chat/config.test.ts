import { describe, expect, it } from 'vitest';
import { configProblems } from '../../../../../tests/helpers/config';
import { readChatConfig } from './config';

describe('readChatConfig', () => {
	it('uses the defaults for an empty environment: no model server, so no chat', () => {
		expect(readChatConfig({})).toEqual({
			baseUrl: null,
			apiKey: null,
			model: 'gpt-4o-mini',
			systemPrompt: null,
			timeoutSeconds: 60,
			maxMessageChars: 4000,
			requestsPerMinute: 20
		});
	});

	it('reads every setting', () => {
		expect(
			readChatConfig({
				LLM_BASE_URL: 'http://localhost:4000/v1/',
				LLM_API_KEY: ' sk-1 ',
				LLM_MODEL: 'llama3',
				LLM_SYSTEM_PROMPT: 'Be brief.',
				LLM_TIMEOUT_SECONDS: '30',
				CHAT_MAX_MESSAGE_CHARS: '500',
				CHAT_REQUESTS_PER_MINUTE: '5'
			})
		).toEqual({
			baseUrl: 'http://localhost:4000/v1',
			apiKey: 'sk-1',
			model: 'llama3',
			systemPrompt: 'Be brief.',
			timeoutSeconds: 30,
			maxMessageChars: 500,
			requestsPerMinute: 5
		});
	});

	it('treats empty and blank values as unset', () => {
		expect(readChatConfig({ LLM_BASE_URL: ' ', LLM_MODEL: '', LLM_API_KEY: '  ' })).toEqual(
			readChatConfig({})
		);
	});

	it.each([
		['LLM_BASE_URL', 'ftp://models.example'],
		['LLM_BASE_URL', 'localhost:4000'],
		['LLM_TIMEOUT_SECONDS', '0'],
		['CHAT_MAX_MESSAGE_CHARS', 'many'],
		['CHAT_REQUESTS_PER_MINUTE', '0']
	])('refuses %s=%j, naming it', (name, value) => {
		expect(configProblems(readChatConfig, { [name]: value }).join('\n')).toContain(name);
	});
});
