import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { expectStartFailure, startServer, type RunningServer } from '../helpers/server';
import { makeTempDir, removeDir } from '../helpers/temp-dir';
import { backend, newStoreLocation, onJsonFiles } from '../helpers/backend';
import { storedUsers } from '../helpers/stored';
import { makeUnwritable, makeWritable } from '../helpers/unwritable';

const PASSWORD = 'correct horse battery';
const running: RunningServer[] = [];
const dirs: string[] = [];

async function start(options: Parameters<typeof startServer>[0] = {}) {
	const server = await startServer(options);
	running.push(server);
	if (!dirs.includes(server.dataDir)) dirs.push(server.dataDir);
	return server;
}

/** A fresh place for data of the backend under test, removed after the test. */
async function freshStore() {
	const store = await newStoreLocation();
	dirs.push(store.dataDir);
	return store;
}

async function tempDir() {
	const dir = await makeTempDir();
	dirs.push(dir);
	return dir;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	for (const dir of dirs.splice(0)) {
		await makeWritable(dir).catch(() => {});
		await removeDir(dir);
	}
});

const readJson = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8'));
const sha256 = async (file: string) =>
	createHash('sha256')
		.update(await fs.readFile(file))
		.digest('hex');

/**
 * Fires `count` signups at once; resolves with the usernames whose signup was acknowledged.
 * `onAcknowledged` hears of each acknowledgement as it arrives.
 */
async function signupStorm(
	origin: string,
	prefix: string,
	count: number,
	onAcknowledged: (total: number) => void = () => {}
): Promise<string[]> {
	let total = 0;
	const results = await Promise.allSettled(
		Array.from({ length: count }, async (_, i) => {
			const username = `${prefix}${i}`;
			const response = await signUp(new Client(origin), username, PASSWORD);
			if (response.status !== 303) return null;
			onAcknowledged(++total);
			return username;
		})
	);
	return results.flatMap((result) =>
		result.status === 'fulfilled' && result.value ? [result.value] : []
	);
}

describe('crash safety', () => {
	it('keeps every acknowledged signup through repeated SIGKILLs mid-storm', async () => {
		const store = await freshStore();
		const rounds = 5;
		const acknowledged: string[] = [];
		for (let round = 0; round < rounds; round++) {
			const server = await start({ store });
			// Killed once a given number are acknowledged (a different one each round), so the
			// crash always lands mid-storm however fast the machine is.
			const killAt = 5 + round * 5;
			let killed: Promise<void> | null = null;
			const storm = signupStorm(server.origin, `r${round}u`, 60, (total) => {
				if (total === killAt) killed = server.kill();
			});
			acknowledged.push(...(await storm));
			await (killed ?? server.kill());
			if (backend === 'json') {
				// the files are whole, valid JSON after every crash
				const dataDir = store.dataDir;
				expect((await readJson(path.join(dataDir, 'users.json'))).users).toBeInstanceOf(Array);
				expect((await readJson(path.join(dataDir, 'sessions.json'))).sessions).toBeInstanceOf(
					Array
				);
			}
		}
		const server = await start({ store });
		const stored = new Set((await storedUsers(server)).map((user) => user.username));
		const lost = acknowledged.filter((username) => !stored.has(username));
		expect(acknowledged.length).toBeGreaterThanOrEqual(5 + 10 + 15 + 20 + 25);
		expect(acknowledged.length).toBeLessThan(rounds * 60);
		expect(lost).toEqual([]);
		for (const username of acknowledged) {
			expect((await logIn(new Client(server.origin), username, PASSWORD)).status).toBe(303);
		}
		console.log(
			`crash test: ${rounds} SIGKILL rounds, ${acknowledged.length} acknowledged signups checked, ${lost.length} lost`
		);
	});
});

onJsonFiles('one writer per data directory', () => {
	it('refuses a second server, keeps the first serving, and takes over a stale lock', async () => {
		const first = await start();
		const client = new Client(first.origin);
		await signUp(client, 'owner', PASSWORD);

		const { code, output } = await expectStartFailure({ store: first.store });
		expect(code).not.toBe(0);
		expect(output).toContain(first.dataDir);
		expect(output).toContain(`process ${first.process.pid}`);
		expect((await client.get('/home')).status).toBe(200);
		expect((await signUp(new Client(first.origin), 'second', PASSWORD)).status).toBe(303);

		await first.kill();
		const next = await start({ store: first.store });
		expect((await logIn(new Client(next.origin), 'second', PASSWORD)).status).toBe(303);
	});
});

describe('stopping', () => {
	it('finishes the requests in flight and their writes on SIGTERM', async () => {
		const server = await start();
		let stopped: Promise<number | null> | null = null;
		const acknowledged = await signupStorm(server.origin, 'term', 20, (total) => {
			if (total === 3) stopped = server.stop();
		});
		expect(await (stopped ?? server.stop())).toBe(0);
		expect(acknowledged.length).toBeGreaterThanOrEqual(3);
		const stored = (await storedUsers(server)).map((user) => user.username);
		expect(stored).toEqual(expect.arrayContaining(acknowledged));
		if (backend === 'json') {
			// a clean stop leaves complete files, no journal to replay, and no lock
			await expect(fs.stat(path.join(server.dataDir, 'gatehouse.lock'))).rejects.toThrow();
			const names = await fs.readdir(server.dataDir);
			expect(names.filter((name) => name.startsWith('journal-'))).toEqual([]);
			const inFile = (await readJson(path.join(server.dataDir, 'users.json'))).users.map(
				(user: { username: string }) => user.username
			);
			expect(inFile).toEqual(expect.arrayContaining(acknowledged));
		}
	});
});

describe('race-free uniqueness', () => {
	it('lets exactly one of 20 concurrent signups for one name (mixed case) succeed', async () => {
		const server = await start();
		const names = Array.from({ length: 20 }, (_, i) => (i % 3 ? 'SameName' : 'samename'));
		const statuses = await Promise.all(
			names.map(async (name) => (await signUp(new Client(server.origin), name, PASSWORD)).status)
		);
		expect(statuses.filter((status) => status === 303)).toHaveLength(1);
		expect(statuses.filter((status) => status === 400)).toHaveLength(19);
		expect(await storedUsers(server)).toHaveLength(1);
	});
});

onJsonFiles('a write that fails', () => {
	it('answers with an error, keeps serving, leaves no phantom record, and recovers', async () => {
		const server = await start();
		await signUp(new Client(server.origin), 'before', PASSWORD);

		await makeUnwritable(server.dataDir);
		const failed = await signUp(new Client(server.origin), 'phantom', PASSWORD);
		expect(failed.status).toBe(500);
		expect(await failed.text()).toContain('Your change could not be saved. Please try again.');
		// still serving; a login cannot record its throttling either, so it fails closed
		expect((await new Client(server.origin).get('/')).status).toBe(200);
		expect((await logIn(new Client(server.origin), 'before', PASSWORD)).status).toBe(500);

		await makeWritable(server.dataDir);
		// the refused user does not exist in memory either
		expect((await logIn(new Client(server.origin), 'phantom', PASSWORD)).status).toBe(400);
		expect((await signUp(new Client(server.origin), 'after', PASSWORD)).status).toBe(303);
		expect(await server.stop()).toBe(0);

		const restarted = await start({ store: server.store });
		expect((await logIn(new Client(restarted.origin), 'phantom', PASSWORD)).status).toBe(400);
		expect((await logIn(new Client(restarted.origin), 'before', PASSWORD)).status).toBe(303);
		expect((await logIn(new Client(restarted.origin), 'after', PASSWORD)).status).toBe(303);
	});
});

onJsonFiles('strict reading at start', () => {
	const user = {
		id: 'u1',
		username: 'alice',
		passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
		role: 'user',
		createdAt: '2026-01-01T00:00:00.000Z'
	};
	it.each([
		['users.json', 'empty', ''],
		['users.json', 'whitespace', '  \n'],
		['users.json', 'truncated', '{"users": [{"id": "u1", "userna'],
		['users.json', 'null', 'null'],
		['users.json', 'an array', '[]'],
		['users.json', 'an empty object', '{}'],
		['users.json', 'users not an array', '{"users": {}}'],
		[
			'users.json',
			'a record without a username',
			JSON.stringify({ users: [{ ...user, username: undefined }] })
		],
		[
			'users.json',
			'a record with an unknown role',
			JSON.stringify({ users: [{ ...user, role: 'root' }] })
		],
		[
			'users.json',
			'a duplicate id',
			JSON.stringify({ users: [user, { ...user, username: 'bob' }] })
		],
		[
			'users.json',
			'a duplicate username',
			JSON.stringify({ users: [user, { ...user, id: 'u2' }] })
		],
		['sessions.json', 'null', 'null'],
		['sessions.json', 'a record with a bad id', '{"sessions": [{"id": "x"}]}']
	])('refuses %s that is %s, leaving its bytes unchanged', async (fileName, _label, content) => {
		const dataDir = await tempDir();
		const file = path.join(dataDir, fileName);
		await fs.writeFile(file, content);
		const before = await sha256(file);
		const { code, output } = await expectStartFailure({ dataDir });
		expect(code).not.toBe(0);
		expect(output).toContain(file);
		expect(await sha256(file)).toBe(before);
	});

	it('creates missing files (0600, directory 0700) and removes temp files a crash left', async () => {
		const dataDir = path.join(await tempDir(), 'fresh');
		await fs.mkdir(dataDir);
		await fs.writeFile(path.join(dataDir, '.users.json.tmp'), '{"users": [');
		await fs.writeFile(path.join(dataDir, '.users.json.0123456789ab.tmp'), '{"users": [');
		await start({ dataDir });
		const names = (await fs.readdir(dataDir)).sort();
		expect(names).toEqual([
			'apps.json',
			'authenticators.json',
			'chats.json',
			'gatehouse.lock',
			'group-members.json',
			'groups.json',
			'limits.json',
			'passkeys.json',
			'recovery-codes.json',
			'secret.key',
			'session-endings.json',
			'sessions.json',
			'users.json',
			'webauthn-challenges.json'
		]);
		const created = await start({ dataDir: path.join(dataDir, 'created', 'by-server') });
		expect((await fs.stat(created.dataDir)).mode & 0o777).toBe(0o700);
		for (const name of [
			'users.json',
			'sessions.json',
			'limits.json',
			'chats.json',
			'authenticators.json'
		]) {
			expect((await fs.stat(path.join(dataDir, name))).mode & 0o777).toBe(0o600);
		}
	});
});

describe('the data directory', () => {
	it('never serves the data directory over HTTP', async () => {
		const server = await start();
		await signUp(new Client(server.origin), 'secretive', PASSWORD);
		for (const url of ['/users.json', '/data/users.json', '/sessions.json', '/gatehouse.lock']) {
			const response = await new Client(server.origin).get(url);
			expect(response.status).toBe(404);
			expect(await response.text()).not.toContain('argon2id');
		}
	});
});
