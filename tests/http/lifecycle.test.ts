import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { expectStartFailure, startServer, type RunningServer } from '../helpers/server';
import { onJsonFiles } from '../helpers/backend';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const running: RunningServer[] = [];
const dirs: string[] = [];

async function start(options: Parameters<typeof startServer>[0] = {}) {
	const server = await startServer(options);
	running.push(server);
	dirs.push(server.dataDir);
	return server;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
});

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const sha256 = async (file: string) =>
	createHash('sha256')
		.update(await fs.readFile(file))
		.digest('hex');

describe('configuration', () => {
	it('stops a server with a bad setting, naming it', async () => {
		const { code, output } = await expectStartFailure({
			dataDir: await makeTempDir(),
			env: { SESSION_IDLE_SECONDS: 'ten minutes' }
		});
		expect(code).not.toBe(0);
		expect(output).toContain('SESSION_IDLE_SECONDS');
	});
});

describe('npm start', () => {
	it('accepts form posts from http://localhost:<PORT> when ORIGIN is not set', async () => {
		const server = await start({ asNpmStart: true });
		expect(server.output()).toContain('ORIGIN is not set');
		const client = new Client(server.origin);
		expect((await signUp(client, 'firstrun', PASSWORD)).status).toBe(303);
		expect((await client.get('/home')).status).toBe(200);
	});
});

describe('stopping', () => {
	it('closes a keep-alive connection after its last response, so SIGTERM ends the process at once', async () => {
		// Without this, the connection would hold the exit for the whole keep-alive timeout.
		const server = await start({ env: { KEEP_ALIVE_TIMEOUT: '120' } });
		const agent = new http.Agent({ keepAlive: true });
		const url = new URL('/login', server.origin);
		const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
			const request = http.request(
				{
					host: url.hostname,
					port: url.port,
					path: '/login',
					method: 'POST',
					agent,
					headers: {
						origin: server.origin,
						'content-type': 'application/x-www-form-urlencoded',
						'transfer-encoding': 'chunked'
					}
				},
				(response) => {
					response.resume();
					response.once('end', () => resolve(response));
				}
			);
			request.once('error', reject);
			// The request is in flight when the stop begins: half its body now, the rest after.
			request.write('username=nobody&');
			setImmediate(() => {
				server.process.kill('SIGTERM');
				void until(() => server.output().includes('Gatehouse: stopping')).then(() =>
					request.end('password=x')
				);
			});
		});
		const response = await answered;
		expect(response.headers.connection).toBe('close');
		// with the connection held open, this would wait the 120 s keep-alive (past the test's limit)
		expect(await server.stop()).toBe(0);
		agent.destroy();
	});
});

describe('data survives a restart', () => {
	it('logs in again after the server restarts on the same data dir', async () => {
		const first = await start();
		await signUp(new Client(first.origin), 'keeper', PASSWORD);
		expect(await first.stop()).toBe(0);

		const second = await start({ store: first.store });
		const client = new Client(second.origin);
		expect((await logIn(client, 'keeper', PASSWORD)).status).toBe(303);
		expect((await client.get('/home')).status).toBe(200);
	});

	it('keeps a session valid across a restart', async () => {
		const first = await start();
		const client = new Client(first.origin);
		await signUp(client, 'stayer', PASSWORD);
		await first.stop();
		const second = await start({ store: first.store });
		const again = new Client(second.origin);
		again.cookies.set('session', client.cookies.get('session') ?? '');
		expect((await again.get('/home')).status).toBe(200);
	});
});

onJsonFiles('a corrupt data file', () => {
	it.each([
		['truncated JSON', '{"users": [{"id": "x"'],
		['null', 'null'],
		['an empty file', '']
	])('refuses to start on %s and leaves the file as it was', async (_label, content) => {
		const dataDir = await makeTempDir();
		dirs.push(dataDir);
		const file = path.join(dataDir, 'users.json');
		await fs.writeFile(file, content);
		const before = await sha256(file);
		const { code, output } = await expectStartFailure({ dataDir });
		expect(code).not.toBe(0);
		expect(output).toContain(file);
		expect(await sha256(file)).toBe(before);
	});
});
