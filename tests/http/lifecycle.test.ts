import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { expectStartFailure, startServer, type RunningServer } from '../helpers/server';
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

const sha256 = async (file: string) =>
	createHash('sha256')
		.update(await fs.readFile(file))
		.digest('hex');

describe('sessions expire', () => {
	it('rejects a session after the idle timeout', async () => {
		const server = await start({
			env: { SESSION_IDLE_SECONDS: '1', SESSION_ABSOLUTE_SECONDS: '60' }
		});
		const client = new Client(server.origin);
		await signUp(client, 'sleepy', PASSWORD);
		const token = client.cookies.get('session') ?? '';
		expect((await client.get('/home')).status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1200));
		// the browser would drop the expired cookie; an attacker replaying it gets nothing either
		client.cookies.set('session', token);
		const response = await client.get('/home');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fhome&reason=expired');
	});

	it('keeps an active session past the idle timeout, but not past the absolute lifetime', async () => {
		const server = await start({
			env: { SESSION_IDLE_SECONDS: '3', SESSION_ABSOLUTE_SECONDS: '6' }
		});
		const client = new Client(server.origin);
		const started = Date.now();
		await signUp(client, 'busy', PASSWORD);
		const token = client.cookies.get('session') ?? '';
		// a request every 300 ms: activity keeps moving the 3 s idle expiry past its first value
		// (the margins are wide so that a slow, busy CI machine cannot miss a beat)
		while (Date.now() - started < 4500) {
			await new Promise((resolve) => setTimeout(resolve, 300));
			expect((await client.get('/home')).status).toBe(200);
		}
		while (Date.now() - started < 6300) {
			await new Promise((resolve) => setTimeout(resolve, 300));
			await client.get('/home');
		}
		client.cookies.set('session', token);
		expect((await client.get('/home')).status).toBe(303);
	});

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

describe('data survives a restart', () => {
	it('logs in again after the server restarts on the same data dir', async () => {
		const first = await start();
		await signUp(new Client(first.origin), 'keeper', PASSWORD);
		expect(await first.stop()).toBe(0);

		const second = await start({ dataDir: first.dataDir });
		const client = new Client(second.origin);
		expect((await logIn(client, 'keeper', PASSWORD)).status).toBe(303);
		expect((await client.get('/home')).status).toBe(200);
	});

	it('keeps a session valid across a restart', async () => {
		const first = await start();
		const client = new Client(first.origin);
		await signUp(client, 'stayer', PASSWORD);
		await first.stop();
		const second = await start({ dataDir: first.dataDir });
		const again = new Client(second.origin);
		again.cookies.set('session', client.cookies.get('session') ?? '');
		expect((await again.get('/home')).status).toBe(200);
	});
});

describe('a corrupt data file', () => {
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
