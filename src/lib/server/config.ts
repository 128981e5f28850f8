import path from 'node:path';

export interface SessionLifetimes {
	/** Seconds without a request after which a session ends. */
	idleSeconds: number;
	/** Seconds after sign-in after which a session ends, active or not. */
	absoluteSeconds: number;
}

export interface Config {
	dataDir: string;
	session: SessionLifetimes;
	rememberedSession: SessionLifetimes;
	/** Public signup; when false only admins (or the CLI) create accounts. */
	allowSignup: boolean;
	/** How long a one-time password reset link works. */
	passwordResetSeconds: number;
	/** The public URL, for links printed outside a request (the CLI's reset links). */
	origin: string | null;
	limits: Limits;
	llm: LlmConfig;
}

export interface LlmConfig {
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

export interface LimitRule {
	/** How many events the window allows; one more is refused until the oldest leaves it. */
	max: number;
	windowSeconds: number;
}

export interface Limits {
	/** Failed logins for one username (whoever tries). */
	loginFailuresPerUser: LimitRule;
	/** Failed logins from one client address, whatever the usernames. */
	loginFailuresPerIp: LimitRule;
	/** Accounts created from one client address. */
	signupsPerIp: LimitRule;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function readSeconds(env: Env, name: string, fallback: number, problems: string[]): number {
	const raw = env[name]?.trim();
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 31_536_000) {
		problems.push(`${name} must be a whole number of seconds from 1 to 31536000, got "${raw}"`);
		return fallback;
	}
	return Number(raw);
}

function readCount(env: Env, name: string, fallback: number, problems: string[]): number {
	const raw = env[name]?.trim();
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1_000_000_000) {
		problems.push(`${name} must be a whole number from 1 to 1000000000, got "${raw}"`);
		return fallback;
	}
	return Number(raw);
}

function readLimits(env: Env, problems: string[]): Limits {
	const loginWindow = readSeconds(env, 'LOGIN_WINDOW_SECONDS', 900, problems);
	return {
		loginFailuresPerUser: {
			max: readCount(env, 'LOGIN_MAX_FAILURES', 10, problems),
			windowSeconds: loginWindow
		},
		loginFailuresPerIp: {
			max: readCount(env, 'LOGIN_MAX_FAILURES_PER_IP', 100, problems),
			windowSeconds: loginWindow
		},
		signupsPerIp: {
			max: readCount(env, 'SIGNUP_MAX_PER_IP', 10, problems),
			windowSeconds: readSeconds(env, 'SIGNUP_WINDOW_SECONDS', 3600, problems)
		}
	};
}

function readLlm(env: Env, problems: string[]): LlmConfig {
	const rawUrl = env.LLM_BASE_URL?.trim();
	let baseUrl: string | null = null;
	if (rawUrl) {
		try {
			const url = new URL(rawUrl);
			if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
			baseUrl = url.href.replace(/\/+$/, '');
		} catch {
			problems.push(`LLM_BASE_URL must be an http(s) URL such as http://localhost:4000/v1`);
		}
	}
	return {
		baseUrl,
		apiKey: env.LLM_API_KEY?.trim() || null,
		model: env.LLM_MODEL?.trim() || 'gpt-4o-mini',
		systemPrompt: env.LLM_SYSTEM_PROMPT?.trim() || null,
		timeoutSeconds: readSeconds(env, 'LLM_TIMEOUT_SECONDS', 60, problems),
		maxMessageChars: readCount(env, 'CHAT_MAX_MESSAGE_CHARS', 4000, problems),
		requestsPerMinute: readCount(env, 'CHAT_REQUESTS_PER_MINUTE', 20, problems)
	};
}

function readBoolean(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '') return fallback;
	if (raw === 'true' || raw === '1') return true;
	if (raw === 'false' || raw === '0') return false;
	problems.push(`${name} must be true or false, got "${env[name]}"`);
	return fallback;
}

function readOrigin(env: Env, problems: string[]): string | null {
	const raw = env.ORIGIN?.trim();
	if (!raw) return null;
	try {
		return new URL(raw).origin;
	} catch {
		problems.push(`ORIGIN must be a URL such as https://team.example.com, got "${raw}"`);
		return null;
	}
}

function readLifetimes(
	env: Env,
	prefix: string,
	defaults: SessionLifetimes,
	problems: string[]
): SessionLifetimes {
	const idleSeconds = readSeconds(env, `${prefix}IDLE_SECONDS`, defaults.idleSeconds, problems);
	const absoluteSeconds = readSeconds(
		env,
		`${prefix}ABSOLUTE_SECONDS`,
		defaults.absoluteSeconds,
		problems
	);
	if (idleSeconds > absoluteSeconds) {
		problems.push(`${prefix}IDLE_SECONDS must not be larger than ${prefix}ABSOLUTE_SECONDS`);
	}
	return { idleSeconds, absoluteSeconds };
}

/** Reads and checks every setting at once, so a bad deployment fails at start with all its problems listed. */
export function readConfig(env: Env = process.env): Config {
	const problems: string[] = [];
	const config: Config = {
		dataDir: path.resolve(env.DATA_DIR?.trim() || 'data'),
		session: readLifetimes(
			env,
			'SESSION_',
			{ idleSeconds: 600, absoluteSeconds: 43_200 },
			problems
		),
		rememberedSession: readLifetimes(
			env,
			'SESSION_REMEMBER_',
			{ idleSeconds: 604_800, absoluteSeconds: 2_592_000 },
			problems
		),
		allowSignup: readBoolean(env, 'ALLOW_SIGNUP', true, problems),
		passwordResetSeconds: readSeconds(env, 'PASSWORD_RESET_SECONDS', 1800, problems),
		origin: readOrigin(env, problems),
		limits: readLimits(env, problems),
		llm: readLlm(env, problems)
	};
	if (problems.length > 0) {
		throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
	}
	return config;
}

let current: Config | null = null;

/** The configuration of this process, read from the environment on first use. */
export function config(): Config {
	current ??= readConfig();
	return current;
}
