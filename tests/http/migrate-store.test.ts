import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, inject, it } from 'vitest';
import { onPostgres, type StoreLocation } from '../helpers/backend';
import { runScript } from '../helpers/cli';
import { Client, logIn, signUp } from '../helpers/client';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm';
import { createDatabase } from '../helpers/postgres-admin';
import { startServer, type RunningServer } from '../helpers/server';
import { readStored, type StoredState } from '../helpers/stored';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const running: RunningServer[] = [];
const dirs: string[] = [];
let llm: FakeLlm | null = null;

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
	await llm?.close();
	llm = null;
});

async function jsonStore(): Promise<StoreLocation> {
	const dataDir = await makeTempDir();
	dirs.push(dataDir);
	return { dataDir, databaseUrl: null };
}

async function start(store: StoreLocation, env: Record<string, string> = {}) {
	const server = await startServer({ store, env });
	running.push(server);
	return server;
}

const counts = (state: StoredState) => ({
	users: state.users.length,
	sessions: state.sessions.length,
	chats: state.chats.length
});

onPostgres('moving between the JSON files and PostgreSQL', () => {
	it('copies everything into an empty database and back, keeping passwords, cookies and chats', async () => {
		llm = await startFakeLlm();
		const chatEnv = { LLM_BASE_URL: llm.baseUrl };
		// a JSON data directory in use: people, sessions, a conversation
		const json = await jsonStore();
		const before = await start(json, chatEnv);
		const alice = new Client(before.origin);
		expect((await signUp(alice, 'alice', PASSWORD)).status).toBe(303);
		const bob = new Client(before.origin);
		expect((await signUp(bob, 'bob', PASSWORD)).status).toBe(303);
		const started = await alice.post('/chat?/start', { content: 'keep this' });
		expect(started.status).toBe(303);
		const chat = started.headers.get('location') ?? '';
		expect(await before.stop()).toBe(0);
		const original = await readStored(json);

		const databaseUrl = await createDatabase(inject('postgresUrl'));
		const moved = await runScript('migrate-store', ['--to', databaseUrl], {
			DATA_DIR: json.dataDir
		});
		expect(moved.stderr).toBe('');
		expect(moved.code).toBe(0);
		expect(moved.stdout).toContain('users: 2');
		expect(moved.stdout).toContain('sessions: 2');
		expect(moved.stdout).toContain('chats: 1');
		const inDatabase = { dataDir: json.dataDir, databaseUrl };
		expect(counts(await readStored(inDatabase))).toEqual(counts(original));
		expect(await readStored(inDatabase)).toEqual(original);

		const refused = await runScript('migrate-store', ['--to', databaseUrl], {
			DATA_DIR: json.dataDir
		});
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain('already holds users');

		const onPostgresServer = await start(inDatabase, chatEnv);
		// the cookie from the JSON days still works, and so do the passwords
		expect((await alice.at(onPostgresServer.origin).get('/home')).status).toBe(200);
		expect((await logIn(new Client(onPostgresServer.origin), 'bob', PASSWORD)).status).toBe(303);
		expect(await (await alice.at(onPostgresServer.origin).get(chat)).text()).toContain('keep this');
		expect(await onPostgresServer.stop()).toBe(0);

		const back = await jsonStore();
		const returned = await runScript(
			'migrate-store',
			['--from', databaseUrl, '--to-json', back.dataDir],
			{}
		);
		expect(returned.code).toBe(0);
		const again = await start(back, chatEnv);
		expect((await alice.at(again.origin).get('/home')).status).toBe(200);
		expect(await (await alice.at(again.origin).get(chat)).text()).toContain('keep this');
		const files = await fs.readdir(back.dataDir);
		expect(files).toEqual(expect.arrayContaining(['users.json', 'sessions.json', 'chats.json']));
		expect(path.isAbsolute(back.dataDir)).toBe(true);
	});
});
