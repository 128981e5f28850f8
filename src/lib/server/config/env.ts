/* Readers for environment variables: each returns the value, or the fallback and a problem. */

export type Env = Record<string, string | undefined>;

/** Every problem of a configuration, each a sentence of its own that names its variable. */
export class ConfigError extends Error {
	override name = 'ConfigError';
	constructor(readonly problems: readonly string[]) {
		super(problems.join('\n'));
	}
}

/** Collects every problem of a configuration, so a bad deployment hears of all of them at once. */
export class EnvReader {
	readonly problems: string[] = [];

	constructor(readonly env: Env) {}

	raw(name: string): string | undefined {
		const value = this.env[name]?.trim();
		return value === '' ? undefined : value;
	}

	seconds(name: string, fallback: number): number {
		return this.#wholeNumber(name, fallback, 31_536_000, 'a whole number of seconds');
	}

	count(name: string, fallback: number): number {
		return this.#wholeNumber(name, fallback, 1_000_000_000, 'a whole number');
	}

	boolean(name: string, fallback: boolean): boolean {
		const raw = this.raw(name)?.toLowerCase();
		if (raw === undefined) return fallback;
		if (raw === 'true' || raw === '1') return true;
		if (raw === 'false' || raw === '0') return false;
		this.problems.push(`${name} must be true or false, got "${this.env[name]}"`);
		return fallback;
	}

	oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
		const raw = this.raw(name)?.toLowerCase();
		if (raw === undefined) return fallback;
		if ((choices as readonly string[]).includes(raw)) return raw as T;
		this.problems.push(`${name} must be one of ${choices.join(', ')}, got "${this.env[name]}"`);
		return fallback;
	}

	/** An http(s) URL, returned as given but without a trailing slash. */
	httpUrl(name: string, example: string): string | null {
		const raw = this.raw(name);
		if (raw === undefined) return null;
		try {
			const url = new URL(raw);
			if (url.protocol === 'http:' || url.protocol === 'https:') {
				return url.href.replace(/\/+$/, '');
			}
		} catch {
			// reported below
		}
		this.problems.push(`${name} must be an http(s) URL such as ${example}, got "${raw}"`);
		return null;
	}

	/** Throws a ConfigError listing every problem found, if any. */
	check(): void {
		if (this.problems.length === 0) return;
		throw new ConfigError(this.problems);
	}

	#wholeNumber(name: string, fallback: number, max: number, what: string): number {
		const raw = this.raw(name);
		if (raw === undefined) return fallback;
		if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
			this.problems.push(`${name} must be ${what} from 1 to ${max}, got "${raw}"`);
			return fallback;
		}
		return Number(raw);
	}
}
