import path from 'node:path';
import { EnvReader, type Env } from './env';

export { ConfigError, EnvReader, type Env } from './env';

export interface SessionLifetimes {
	/** Seconds without a request after which a session ends. */
	idleSeconds: number;
	/** Seconds after sign-in after which a session ends, active or not. */
	absoluteSeconds: number;
}

export interface LimitRule {
	/** Names the counter, e.g. `login-user`. */
	name: string;
	/** How many events the window allows; one more is refused until the oldest leaves it. */
	max: number;
	windowSeconds: number;
}

export interface SignInLimits {
	/** Failed logins for one username (whoever tries). */
	loginFailuresPerUser: LimitRule;
	/** Failed logins from one client address, whatever the usernames. */
	loginFailuresPerIp: LimitRule;
	/** Signup attempts from one client address. */
	signupsPerIp: LimitRule;
	/** Wrong second-step codes (authenticator or recovery) for one account. */
	twoStepFailuresPerUser: LimitRule;
}

/** Who must sign in with a second factor: nobody, admins, or every account. */
export type TwoStepPolicy = 'off' | 'admins' | 'everyone';

/** Where adapter-node listens: it reads HOST, PORT and SOCKET_PATH itself, after our start-up. */
export interface Listen {
	host: string;
	port: number;
	socketPath: string | null;
}

export interface Config {
	dataDir: string;
	/** PostgreSQL instead of the JSON files, when set. */
	databaseUrl: string | null;
	session: SessionLifetimes;
	rememberedSession: SessionLifetimes;
	/** Public signup; when false only admins (or the CLI) create accounts. */
	allowSignup: boolean;
	/** How long a one-time password reset link works. */
	passwordResetSeconds: number;
	/** The public URL, for links printed outside a request (the CLI's reset links). */
	origin: string | null;
	limits: SignInLimits;
	requireTwoStep: TwoStepPolicy;
	/** Signs cookies (and encrypts second factors); from SECRET_KEY, else a key file. */
	secretKey: string | null;
	secretKeyFile: string;
	listen: Listen;
	forwardAuth: ForwardAuthSettings;
}

/** Protecting other apps through the reverse proxy (`/auth/verify`). */
export interface ForwardAuthSettings {
	/**
	 * COOKIE_DOMAIN: the session cookie is sent to this domain and every subdomain, so the
	 * proxy's check sees it for each app. Null: the cookie stays on Gatehouse's own host.
	 */
	cookieDomain: string | null;
	/** FORWARD_AUTH_DEFAULT: what a host no app claims gets. */
	unclaimedHosts: 'deny' | 'signed-in';
}

function readLimits(env: EnvReader): SignInLimits {
	const loginWindow = env.seconds('LOGIN_WINDOW_SECONDS', 900);
	return {
		loginFailuresPerUser: {
			name: 'login-user',
			max: env.count('LOGIN_MAX_FAILURES', 10),
			windowSeconds: loginWindow
		},
		loginFailuresPerIp: {
			name: 'login-ip',
			max: env.count('LOGIN_MAX_FAILURES_PER_IP', 100),
			windowSeconds: loginWindow
		},
		signupsPerIp: {
			name: 'signup-ip',
			max: env.count('SIGNUP_MAX_PER_IP', 10),
			windowSeconds: env.seconds('SIGNUP_WINDOW_SECONDS', 3600)
		},
		twoStepFailuresPerUser: {
			name: 'two-step-user',
			max: env.count('TWO_STEP_MAX_FAILURES', 5),
			windowSeconds: env.seconds('TWO_STEP_WINDOW_SECONDS', 900)
		}
	};
}

function readOrigin(env: EnvReader): string | null {
	const raw = env.raw('ORIGIN');
	if (raw === undefined) return null;
	try {
		const url = new URL(raw);
		if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
	} catch {
		// reported below
	}
	env.problems.push(`ORIGIN must be a URL such as https://team.example.com, got "${raw}"`);
	return null;
}

function readDatabaseUrl(env: EnvReader): string | null {
	const raw = env.raw('DATABASE_URL');
	if (raw === undefined) return null;
	try {
		const url = new URL(raw);
		if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return raw;
	} catch {
		// reported below, without the value: it may hold a password
	}
	env.problems.push('DATABASE_URL must be a URL such as postgres://user:password@host:5432/db');
	return null;
}

function readLifetimes(
	env: EnvReader,
	prefix: string,
	defaults: SessionLifetimes
): SessionLifetimes {
	const idleSeconds = env.seconds(`${prefix}IDLE_SECONDS`, defaults.idleSeconds);
	const absoluteSeconds = env.seconds(`${prefix}ABSOLUTE_SECONDS`, defaults.absoluteSeconds);
	if (idleSeconds > absoluteSeconds) {
		env.problems.push(
			`${prefix}IDLE_SECONDS (${idleSeconds}) must not be larger than ${prefix}ABSOLUTE_SECONDS (${absoluteSeconds})`
		);
	}
	return { idleSeconds, absoluteSeconds };
}

function readListen(env: EnvReader): Listen {
	const raw = env.raw('PORT');
	let port = 3000;
	if (raw !== undefined) {
		if (/^\d{1,5}$/.test(raw) && Number(raw) <= 65_535) port = Number(raw);
		else env.problems.push(`PORT must be a port number from 0 to 65535, got "${raw}"`);
	}
	return { host: env.raw('HOST') ?? '0.0.0.0', port, socketPath: env.raw('SOCKET_PATH') ?? null };
}

/** A domain name such as `example.com`: lower case, without a leading dot, port or scheme. */
function readCookieDomain(env: EnvReader, origin: string | null): string | null {
	const raw = env.raw('COOKIE_DOMAIN')?.toLowerCase().replace(/^\./, '');
	if (raw === undefined) return null;
	if (
		!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(
			raw
		)
	) {
		env.problems.push(`COOKIE_DOMAIN must be a domain name such as example.com, got "${raw}"`);
		return null;
	}
	// A browser refuses a cookie for a domain the page is not on: every sign-in would fail.
	const host = origin === null ? null : new URL(origin).hostname;
	if (host !== null && host !== raw && !host.endsWith(`.${raw}`)) {
		env.problems.push(`COOKIE_DOMAIN (${raw}) must contain the host of ORIGIN (${host})`);
		return null;
	}
	return raw;
}

function readSecretKey(env: EnvReader): string | null {
	const raw = env.raw('SECRET_KEY');
	if (raw === undefined) return null;
	if (raw.length < 32) {
		env.problems.push(
			'SECRET_KEY must be at least 32 characters (for example: openssl rand -hex 32)'
		);
		return null;
	}
	return raw;
}

/** Reads and checks every setting at once, so a bad deployment fails at start with all its problems listed. */
export function readConfig(environment: Env = process.env): Config {
	const env = new EnvReader(environment);
	const dataDir = path.resolve(env.raw('DATA_DIR') ?? 'data');
	const origin = readOrigin(env);
	const config: Config = {
		dataDir,
		databaseUrl: readDatabaseUrl(env),
		session: readLifetimes(env, 'SESSION_', { idleSeconds: 600, absoluteSeconds: 43_200 }),
		rememberedSession: readLifetimes(env, 'SESSION_REMEMBER_', {
			idleSeconds: 604_800,
			absoluteSeconds: 2_592_000
		}),
		allowSignup: env.boolean('ALLOW_SIGNUP', true),
		passwordResetSeconds: env.seconds('PASSWORD_RESET_SECONDS', 1800),
		origin,
		limits: readLimits(env),
		requireTwoStep: env.oneOf('REQUIRE_TWO_STEP', ['off', 'admins', 'everyone'] as const, 'off'),
		secretKey: readSecretKey(env),
		secretKeyFile: path.resolve(env.raw('SECRET_KEY_FILE') ?? path.join(dataDir, 'secret.key')),
		listen: readListen(env),
		forwardAuth: {
			cookieDomain: readCookieDomain(env, origin),
			unclaimedHosts: env.oneOf('FORWARD_AUTH_DEFAULT', ['deny', 'signed-in'], 'deny')
		}
	};
	env.check();
	return config;
}

let current: Config | null = null;

/** The configuration of this process, read from the environment on first use. */
export function config(): Config {
	current ??= readConfig();
	return current;
}
