import { readServerSentEvents } from '$lib/sse';
import type { ChatConfig } from './config';

export interface LlmMessage {
	role: 'system' | 'user' | 'assistant';
	content: string;
}

const EVERY_SETTING = ['LLM_BASE_URL', 'LLM_MODEL', 'LLM_API_KEY'];

/**
 * The model could not answer. The message says what went wrong and `settings` which ones an
 * admin should check; ordinary people only hear that the model could not answer.
 */
export class LlmError extends Error {
	override name = 'LlmError';
	constructor(
		message: string,
		readonly settings: readonly string[] = EVERY_SETTING
	) {
		super(message);
	}

	/** What an admin reads, stored with the failed answer. */
	get forAdmins(): string {
		return `Check ${this.settings.join(' / ')}: ${this.message}`;
	}
}

/**
 * Streams an answer from an OpenAI-compatible `chat/completions` endpoint (OpenAI, a LiteLLM
 * proxy, Ollama, vLLM). The API key stays on the server. The answer must start, and each next
 * piece arrive, within `timeoutSeconds`, so a dead endpoint ends in an error, never a hang.
 */
export async function* streamAnswer(
	llm: ChatConfig,
	messages: LlmMessage[],
	signal: AbortSignal
): AsyncGenerator<string> {
	if (!llm.baseUrl) throw new LlmError('LLM_BASE_URL is not set', ['LLM_BASE_URL']);
	const timeout = new AbortController();
	let timer = setTimeout(() => timeout.abort(), llm.timeoutSeconds * 1000);
	const restartTimer = () => {
		clearTimeout(timer);
		timer = setTimeout(() => timeout.abort(), llm.timeoutSeconds * 1000);
	};
	const both = AbortSignal.any([signal, timeout.signal]);
	try {
		let response: Response;
		try {
			response = await fetch(`${llm.baseUrl}/chat/completions`, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					accept: 'text/event-stream',
					...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {})
				},
				body: JSON.stringify({ model: llm.model, messages, stream: true }),
				signal: both
			});
		} catch (error) {
			throw failure(error, signal, timeout.signal, llm);
		}
		if (!response.ok || !response.body) {
			const detail = await response.text().catch(() => '');
			throw new LlmError(`the model server answered ${response.status}${describeBody(detail)}`);
		}
		try {
			for await (const { data } of readServerSentEvents(response.body)) {
				restartTimer();
				if (data === '[DONE]') return;
				const delta = parseDelta(data);
				if (delta) yield delta;
			}
		} catch (error) {
			throw failure(error, signal, timeout.signal, llm);
		}
	} finally {
		clearTimeout(timer);
	}
}

function parseDelta(data: string): string {
	let chunk: { choices?: Array<{ delta?: { content?: unknown } }>; error?: { message?: unknown } };
	try {
		chunk = JSON.parse(data);
	} catch {
		return '';
	}
	if (chunk.error) {
		// Kept with the chat for admins: a line of it, never a whole page a server sent.
		const message = String(chunk.error.message ?? '').slice(0, 200);
		throw new LlmError(`the model reported an error: ${message}`);
	}
	const content = chunk.choices?.[0]?.delta?.content;
	return typeof content === 'string' ? content : '';
}

/** The server's error text can help the operator, but never more than a line of it. */
function describeBody(body: string): string {
	const message = /"message"\s*:\s*"([^"]{1,200})"/.exec(body)?.[1];
	return message ? ` (${message})` : '';
}

function failure(error: unknown, stopped: AbortSignal, timedOut: AbortSignal, llm: ChatConfig) {
	if (error instanceof LlmError) return error;
	if (stopped.aborted) return new LlmError('stopped');
	if (timedOut.aborted) {
		return new LlmError(`the model did not answer within ${llm.timeoutSeconds} seconds`, [
			'LLM_BASE_URL',
			'LLM_MODEL',
			'LLM_TIMEOUT_SECONDS'
		]);
	}
	return new LlmError('the model server could not be reached', ['LLM_BASE_URL']);
}
