import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configProblems } from '../../../../tests/helpers/config';
import { ConfigError, readConfig } from '.';

const problemsOf = (env: Record<string, string>) => configProblems(readConfig, env);

describe('readConfig', () => {
	it('uses the defaults for an empty environment', () => {
		expect(readConfig({})).toEqual({
			dataDir: path.resolve('data'),
			databaseUrl: null,
			session: { idleSeconds: 600, absoluteSeconds: 43_200 },
			rememberedSession: { idleSeconds: 604_800, absoluteSeconds: 2_592_000 },
			allowSignup: true,
			passwordResetSeconds: 1800,
			origin: null,
			limits: {
				loginFailuresPerUser: { name: 'login-user', max: 10, windowSeconds: 900 },
				loginFailuresPerIp: { name: 'login-ip', max: 100, windowSeconds: 900 },
				signupsPerIp: { name: 'signup-ip', max: 10, windowSeconds: 3600 },
				twoStepFailuresPerUser: { name: 'two-step-user', max: 5, windowSeconds: 900 }
			},
			requireTwoStep: 'off',
			secretKey: null,
			secretKeyFile: path.resolve('data/secret.key'),
			listen: { host: '0.0.0.0', port: 3000, socketPath: null },
			forwardAuth: { cookieDomain: null, unclaimedHosts: 'deny' }
		});
	});

	it('treats empty and blank values as unset', () => {
		expect(
			readConfig({ DATA_DIR: '  ', SESSION_IDLE_SECONDS: '', SESSION_ABSOLUTE_SECONDS: ' ' })
		).toEqual(readConfig({}));
	});

	it('reads every setting', () => {
		expect(
			readConfig({
				DATA_DIR: ' /srv/gatehouse ',
				DATABASE_URL: 'postgres://gatehouse:pw@db.internal:5432/gatehouse',
				SESSION_IDLE_SECONDS: ' 60 ',
				SESSION_ABSOLUTE_SECONDS: '3600',
				SESSION_REMEMBER_IDLE_SECONDS: '1',
				SESSION_REMEMBER_ABSOLUTE_SECONDS: '31536000',
				ALLOW_SIGNUP: 'false',
				PASSWORD_RESET_SECONDS: '600',
				ORIGIN: 'https://team.example.com/ignored/path',
				LOGIN_MAX_FAILURES: '5',
				LOGIN_MAX_FAILURES_PER_IP: '50',
				LOGIN_WINDOW_SECONDS: '300',
				SIGNUP_MAX_PER_IP: '3',
				SIGNUP_WINDOW_SECONDS: '86400',
				REQUIRE_TWO_STEP: 'admins',
				TWO_STEP_MAX_FAILURES: '3',
				TWO_STEP_WINDOW_SECONDS: '600',
				SECRET_KEY: ' ' + 'k'.repeat(32) + ' ',
				SECRET_KEY_FILE: '/etc/gatehouse/secret.key',
				HOST: '127.0.0.1',
				PORT: '8080',
				COOKIE_DOMAIN: ' .Example.COM ',
				FORWARD_AUTH_DEFAULT: 'signed-in'
			})
		).toEqual({
			dataDir: '/srv/gatehouse',
			databaseUrl: 'postgres://gatehouse:pw@db.internal:5432/gatehouse',
			session: { idleSeconds: 60, absoluteSeconds: 3600 },
			rememberedSession: { idleSeconds: 1, absoluteSeconds: 31_536_000 },
			allowSignup: false,
			passwordResetSeconds: 600,
			origin: 'https://team.example.com',
			limits: {
				loginFailuresPerUser: { name: 'login-user', max: 5, windowSeconds: 300 },
				loginFailuresPerIp: { name: 'login-ip', max: 50, windowSeconds: 300 },
				signupsPerIp: { name: 'signup-ip', max: 3, windowSeconds: 86_400 },
				twoStepFailuresPerUser: { name: 'two-step-user', max: 3, windowSeconds: 600 }
			},
			requireTwoStep: 'admins',
			secretKey: 'k'.repeat(32),
			secretKeyFile: '/etc/gatehouse/secret.key',
			listen: { host: '127.0.0.1', port: 8080, socketPath: null },
			forwardAuth: { cookieDomain: 'example.com', unclaimedHosts: 'signed-in' }
		});
	});

	it('keeps the key file with the data unless told otherwise, resolving relative paths', () => {
		expect(readConfig({ DATA_DIR: '/srv/gatehouse' }).secretKeyFile).toBe(
			'/srv/gatehouse/secret.key'
		);
		expect(readConfig({ SECRET_KEY_FILE: 'keys/gatehouse.key' }).secretKeyFile).toBe(
			path.resolve('keys/gatehouse.key')
		);
	});

	it('accepts postgres: and postgresql: database URLs', () => {
		for (const url of ['postgres://db/gatehouse', 'postgresql://u:p@db:5432/gatehouse']) {
			expect(readConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
		}
	});

	it('refuses a bad database URL without repeating it: it may hold a password', () => {
		const problems = problemsOf({ DATABASE_URL: 'mysql://admin:hunter2@db/gatehouse' });
		expect(problems).toHaveLength(1);
		expect(problems[0]).toContain('DATABASE_URL');
		expect(problems[0]).not.toContain('hunter2');
	});

	it.each([
		['ALLOW_SIGNUP', 'maybe'],
		['ORIGIN', 'not a url'],
		['ORIGIN', 'team.example.com'],
		['PORT', 'abc'],
		['PORT', '65536'],
		['LOGIN_MAX_FAILURES', '0'],
		['SIGNUP_MAX_PER_IP', 'ten'],
		['DATABASE_URL', 'not a url'],
		['SECRET_KEY', 'too short'],
		['SECRET_KEY', 'k'.repeat(31)],
		['COOKIE_DOMAIN', 'https://example.com'],
		['COOKIE_DOMAIN', 'localhost'],
		['COOKIE_DOMAIN', 'example.com:443'],
		['FORWARD_AUTH_DEFAULT', 'allow']
	])('refuses %s=%j, naming it', (name, value) => {
		expect(problemsOf({ [name]: value }).join('\n')).toContain(name);
	});

	it('refuses a cookie domain the Gatehouse origin is not under: no sign-in could work', () => {
		expect(
			problemsOf({ ORIGIN: 'https://auth.example.org', COOKIE_DOMAIN: 'example.com' })
		).toEqual(['COOKIE_DOMAIN (example.com) must contain the host of ORIGIN (auth.example.org)']);
		expect(
			readConfig({ ORIGIN: 'https://auth.example.com', COOKIE_DOMAIN: 'example.com' }).forwardAuth
				.cookieDomain
		).toBe('example.com');
	});

	it('resolves a relative data directory against the working directory', () => {
		expect(readConfig({ DATA_DIR: 'var/data' }).dataDir).toBe(path.resolve('var/data'));
	});

	it('allows idle equal to absolute', () => {
		const config = readConfig({ SESSION_IDLE_SECONDS: '900', SESSION_ABSOLUTE_SECONDS: '900' });
		expect(config.session).toEqual({ idleSeconds: 900, absoluteSeconds: 900 });
	});

	it.each(['abc', '0', '-5', '1.5', '1e3', '0x10', '31536001', '12 seconds'])(
		'refuses %j as a number of seconds',
		(value) => {
			expect(problemsOf({ SESSION_IDLE_SECONDS: value })).toEqual([
				`SESSION_IDLE_SECONDS must be a whole number of seconds from 1 to 31536000, got "${value}"`
			]);
		}
	);

	it('refuses an idle time longer than the absolute lifetime', () => {
		expect(problemsOf({ SESSION_IDLE_SECONDS: '50000' })).toEqual([
			'SESSION_IDLE_SECONDS (50000) must not be larger than SESSION_ABSOLUTE_SECONDS (43200)'
		]);
		expect(problemsOf({ SESSION_REMEMBER_ABSOLUTE_SECONDS: '86400' })).toEqual([
			'SESSION_REMEMBER_IDLE_SECONDS (604800) must not be larger than SESSION_REMEMBER_ABSOLUTE_SECONDS (86400)'
		]);
	});

	it('lists every problem at once', () => {
		const problems = problemsOf({
			SESSION_IDLE_SECONDS: 'abc',
			SESSION_ABSOLUTE_SECONDS: '0',
			SESSION_REMEMBER_IDLE_SECONDS: '-5',
			SESSION_REMEMBER_ABSOLUTE_SECONDS: '100'
		});
		expect(problems).toHaveLength(4);
		expect(problems[0]).toContain('SESSION_IDLE_SECONDS');
		expect(problems[0]).toContain('"abc"');
		expect(problems[1]).toContain('SESSION_ABSOLUTE_SECONDS');
		expect(problems[1]).toContain('"0"');
		expect(problems[2]).toContain('SESSION_REMEMBER_IDLE_SECONDS');
		expect(problems[2]).toContain('"-5"');
		expect(problems[3]).toBe(
			'SESSION_REMEMBER_IDLE_SECONDS (604800) must not be larger than SESSION_REMEMBER_ABSOLUTE_SECONDS (100)'
		);
	});

	it('names the error and puts each problem on a line of its own', () => {
		expect(() => readConfig({ SESSION_IDLE_SECONDS: 'x', PORT: 'abc' })).toThrow(
			/^SESSION_IDLE_SECONDS must be .*\nPORT must be /
		);
		expect(new ConfigError(['x']).name).toBe('ConfigError');
	});
});
