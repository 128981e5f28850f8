import { afterEach, expect, inject, it } from 'vitest';
import postgres from 'postgres';
import { onPostgres } from '../helpers/backend';
import { Client, logIn, signUp } from '../helpers/client';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { createDatabase } from '../helpers/postgres-admin';
import { expectStartFailure, freePort, startServer, type RunningServer } from '../helpers/server';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const UNAVAILABLE = 'Gatehouse is temporarily unavailable, please try again';

const running: RunningServer[] = [];
const clusters: TestPostgres[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	for (const cluster of clusters.splice(0)) cluster.destroy();
});

async function start(databaseUrl: string) {
	const server = await startServer({ store: { dataDir: await makeTempDir(), databaseUrl } });
	running.push(server);
	return server;
}

onPostgres('starting on PostgreSQL', () => {
	it('refuses a database it cannot reach, naming it but never its password', async () => {
		const secret = 'n0t-for-the-log-4711';
		const url = `postgres://gatehouse:${secret}@127.0.0.1:${await freePort()}/gatehouse`;
		const dataDir = await makeTempDir();
		const { code, output } = await expectStartFailure({
			store: { dataDir, databaseUrl: url },
			env: { PGCONNECT_TIMEOUT: '2' }
		});
		await removeDir(dataDir);
		expect(code).toBe(1);
		expect(output).toContain('Cannot use the database postgres://gatehouse:***@127.0.0.1');
		expect(output).not.toContain(secret);
		expect(output).not.toMatch(/\n\s+at /);
	});

	it('refuses a DATABASE_URL that is not a PostgreSQL URL, without echoing it', async () => {
		const dataDir = await makeTempDir();
		const { code, output } = await expectStartFailure({
			store: { dataDir, databaseUrl: 'mysql://root:hunter2-secret@db/app' }
		});
		await removeDir(dataDir);
		expect(code).toBe(1);
		expect(output).toContain('DATABASE_URL must be a URL such as postgres://');
		expect(output).not.toContain('hunter2-secret');
	});

	it('applies its migrations once when two instances start together on an empty database', async () => {
		const url = await createDatabase(inject('postgresUrl'));
		const [a, b] = await Promise.all([start(url), start(url)]);
		expect((await signUp(new Client(a.origin), 'first', PASSWORD)).status).toBe(303);
		expect((await logIn(new Client(b.origin), 'first', PASSWORD)).status).toBe(303);
		const sql = postgres(url, { max: 1, onnotice: () => {} });
		const applied = await sql`select id from gatehouse_migrations order by id`;
		await sql.end();
		const ids = applied.map((row) => row.id as string);
		expect(ids).toEqual([
			'chat-001-chats',
			'core-001-users-sessions-limits-audit',
			'core-002-session-endings',
			'core-003-two-step',
			'core-004-forward-auth'
		]);
	});
});

onPostgres('a database that goes away', () => {
	it('answers 503 while it is away, keeps the welcome page, and recovers without a restart', async () => {
		const cluster = await startTestPostgres();
		clusters.push(cluster);
		const server = await start(await cluster.createDatabase());
		const alice = new Client(server.origin);
		expect((await signUp(alice, 'alice', PASSWORD)).status).toBe(303);

		// people keep reading pages while the database stops and comes back
		const statuses: number[] = [];
		let reading = true;
		const readers = Array.from({ length: 4 }, async () => {
			while (reading) {
				const response = await alice.get('/home');
				await response.arrayBuffer();
				statuses.push(response.status);
			}
		});
		await new Promise((resolve) => setTimeout(resolve, 300));
		cluster.stop();

		const away = await alice.get('/home');
		expect(away.status).toBe(503);
		const page = await away.text();
		expect(page).toContain(UNAVAILABLE);
		expect(page).not.toMatch(/\n\s+at |ECONNREFUSED|node_modules/);
		expect((await new Client(server.origin).get('/')).status).toBe(200);
		expect((await logIn(new Client(server.origin), 'alice', PASSWORD)).status).toBe(503);

		cluster.start();
		expect((await alice.get('/home')).status).toBe(200);
		expect((await logIn(new Client(server.origin), 'alice', PASSWORD)).status).toBe(303);
		reading = false;
		await Promise.all(readers);
		expect(statuses).toContain(200);
		expect(statuses).toContain(503);
		expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
		expect(server.output()).not.toMatch(/\n\s+at /);
	});
});
