import { expect } from 'vitest';
import { ConfigError, type Env } from '../../src/lib/server/config';

/** The problems a settings reader lists for `env`, one a line; fails if it accepts `env`. */
export function configProblems(read: (env: Env) => unknown, env: Env): string[] {
	try {
		read(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return [...(error as ConfigError).problems];
	}
	throw new Error('The settings were accepted');
}
