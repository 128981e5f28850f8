import { EnvReader, type Env } from '../../config';

export interface ChatConfig {
	/** An OpenAI-compatible API, e.g. a LiteLLM proxy at http://localhost:4000/v1; null: chat off. */
	baseUrl: string | null;
	apiKey: string | null;
	model: string;
	systemPrompt: string | null;
	/** Longest wait for the first and for each next piece of an answer. */
	timeoutSeconds: number;
	maxMessageChars: number;
	requestsPerMinute: number;
}

export function readChatConfig(environment: Env = process.env): ChatConfig {
	const env = new EnvReader(environment);
	const config: ChatConfig = {
		baseUrl: env.httpUrl('LLM_BASE_URL', 'http://localhost:4000/v1'),
		apiKey: env.raw('LLM_API_KEY') ?? null,
		model: env.raw('LLM_MODEL') ?? 'gpt-4o-mini',
		systemPrompt: env.raw('LLM_SYSTEM_PROMPT') ?? null,
		timeoutSeconds: env.seconds('LLM_TIMEOUT_SECONDS', 60),
		maxMessageChars: env.count('CHAT_MAX_MESSAGE_CHARS', 4000),
		requestsPerMinute: env.count('CHAT_REQUESTS_PER_MINUTE', 20)
	};
	env.check();
	return config;
}

let current: ChatConfig | null = null;

export function chatConfig(): ChatConfig {
	current ??= readChatConfig();
	return current;
}
