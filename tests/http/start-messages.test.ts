import { afterEach, describe, expect, it } from 'vitest';
import { expectStartFailure, startServer, type RunningServer } from '../helpers/server';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

/* What an operator reads at start: one line per bad setting, exit code 1, never a stack trace. */

const dirs: string[] = [];
const running: RunningServer[] = [];

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
});

async function refusal(env: Record<string, string>, asNpmStart = false) {
	const dataDir = await makeTempDir();
	dirs.push(dataDir);
	const started = Date.now();
	const result = await expectStartFailure({ dataDir, env, asNpmStart });
	const lines = result.output.trim().split('\n');
	return { ...result, lines, seconds: (Date.now() - started) / 1000 };
}

describe('a bad setting', () => {
	it.each([
		[
			'PORT=abc',
			{ PORT: 'abc' },
			'Gatehouse cannot start: PORT must be a port number from 0 to 65535, got "abc"'
		],
		[
			'an absolute lifetime shorter than the idle timeout',
			{ SESSION_ABSOLUTE_SECONDS: '60' },
			'Gatehouse cannot start: SESSION_IDLE_SECONDS (600) must not be larger than SESSION_ABSOLUTE_SECONDS (60)'
		],
		[
			'a DATA_DIR that cannot be created',
			{ DATA_DIR: '/proc/nope' },
			'Gatehouse cannot start: DATA_DIR /proc/nope cannot be created (ENOENT at /proc/nope)'
		]
	])('stops `node build` on %s with one line and code 1', async (_label, env, line) => {
		const { code, lines, seconds } = await refusal(env);
		expect(code).toBe(1);
		expect(lines.filter((text) => text.includes('cannot start'))).toEqual([line]);
		expect(lines.join('\n')).not.toMatch(/^\s+at /m);
		// /proc/nope used to hang for 40 s in a mkdir retry loop
		expect(seconds).toBeLessThan(10);
	});

	it.each([
		[
			'ORIGIN=team.example.com',
			{ ORIGIN: 'team.example.com' },
			'Gatehouse cannot start: ORIGIN must be a URL such as https://team.example.com, got "team.example.com"'
		],
		[
			'PORT=abc',
			{ PORT: 'abc' },
			'Gatehouse cannot start: PORT must be a port number from 0 to 65535, got "abc"'
		]
	])('stops `npm start` on %s with exactly one line and code 1', async (_label, env, line) => {
		const { code, lines } = await refusal(env, true);
		expect(code).toBe(1);
		expect(lines).toEqual([line]);
	});
});

describe('the start-up log', () => {
	it('says whether a chat model is configured and where the server listens', async () => {
		const dataDir = await makeTempDir();
		dirs.push(dataDir);
		const server = await startServer({ dataDir, env: { HOST: '0.0.0.0' } });
		running.push(server);
		const output = server.output();
		expect(output).toContain('Gatehouse: no chat model is configured');
		expect(output).toMatch(
			/Gatehouse: listening on port \d+ of every network interface \(HOST=0\.0\.0\.0\); set HOST=127\.0\.0\.1/
		);
	});
});
