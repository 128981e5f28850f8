import { afterEach, expect, inject, it } from 'vitest';
import { onPostgres } from '../helpers/backend';
import { Client, logIn, signUp } from '../helpers/client';
import { createDatabase } from '../helpers/postgres-admin';
import { startServer, type RunningServer } from '../helpers/server';
import { storedUsers } from '../helpers/stored';
import { makeTempDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const running: RunningServer[] = [];
afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
});

/** Two instances of Gatehouse on one database, as behind a load balancer. */
async function twoInstances(env: Record<string, string> = {}) {
	const databaseUrl = await createDatabase(inject('postgresUrl'));
	const [a, b] = await Promise.all(
		[1, 2].map(async () => {
			const server = await startServer({
				store: { dataDir: await makeTempDir(), databaseUrl },
				env
			});
			running.push(server);
			return server;
		})
	);
	return { a: a as RunningServer, b: b as RunningServer, databaseUrl };
}

onPostgres('two instances on one database', () => {
	it('share sessions: made on A, used on B, ended on B and refused by A at once', async () => {
		const { a, b } = await twoInstances();
		const alice = new Client(a.origin);
		expect((await signUp(alice, 'alice', PASSWORD)).status).toBe(303);
		expect((await alice.at(b.origin).get('/home')).status).toBe(200);
		expect((await alice.at(b.origin).post('/logout', {})).status).toBe(303);
		const refused = await alice.get('/home');
		expect(refused.status).toBe(303);
		expect(refused.headers.get('location')).toMatch(/^\/login/);
	});

	it('count failed logins together: 10 spread over A and B trip the limit on both', async () => {
		const { a, b } = await twoInstances({ LOGIN_MAX_FAILURES: '10' });
		expect((await signUp(new Client(a.origin), 'alice', PASSWORD)).status).toBe(303);
		for (let attempt = 0; attempt < 10; attempt++) {
			const server = attempt % 2 === 0 ? a : b;
			const response = await logIn(new Client(server.origin), 'alice', `wrong ${attempt}`);
			expect(response.status).toBe(400);
		}
		for (const server of [a, b]) {
			const blocked = await logIn(new Client(server.origin), 'alice', PASSWORD);
			expect(blocked.status).toBe(429);
			expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
		}
	});

	it('let exactly one of 20 concurrent signups for one name through, wherever they land', async () => {
		const { a, b } = await twoInstances();
		const statuses = await Promise.all(
			Array.from({ length: 20 }, async (_, i) => {
				const server = i % 2 === 0 ? a : b;
				return (await signUp(new Client(server.origin), i % 3 ? 'SameName' : 'samename', PASSWORD))
					.status;
			})
		);
		expect(statuses.filter((status) => status === 303)).toHaveLength(1);
		expect(statuses.filter((status) => status === 400)).toHaveLength(19);
		expect(await storedUsers(a)).toHaveLength(1);
	});

	it('make exactly one admin of first signups racing on both', async () => {
		const { a, b } = await twoInstances();
		const names = Array.from({ length: 10 }, (_, i) => `early${i}`);
		await Promise.all(
			names.map((name, i) => signUp(new Client((i % 2 === 0 ? a : b).origin), name, PASSWORD))
		);
		const stored = await storedUsers(a);
		expect(stored).toHaveLength(10);
		expect(stored.filter((user) => user.role === 'admin')).toHaveLength(1);
	});

	it('keep one admin when two admins demote each other on A and B at once', async () => {
		const { a, b } = await twoInstances();
		const alice = new Client(a.origin);
		expect((await signUp(alice, 'alice', PASSWORD)).status).toBe(303);
		const bob = new Client(b.origin);
		expect((await signUp(bob, 'bob', PASSWORD)).status).toBe(303);
		const ids = Object.fromEntries((await storedUsers(a)).map((user) => [user.username, user.id]));
		const promote = await alice.post(`/admin/users/${ids.bob}?/setRole`, {
			role: 'admin',
			confirm: 'yes'
		});
		expect(promote.status).toBe(303);

		for (let round = 0; round < 5; round++) {
			const [first, second] = await Promise.all([
				alice.post(`/admin/users/${ids.bob}?/setRole`, { role: 'user', confirm: 'yes' }),
				bob.post(`/admin/users/${ids.alice}?/setRole`, { role: 'user', confirm: 'yes' })
			]);
			const admins = (await storedUsers(a)).filter((user) => user.role === 'admin');
			expect(admins).toHaveLength(1);
			// one demotion happened; the other was refused: the last admin (400), or, if the
			// other went first, no admin any more (403)
			const statuses = [first.status, second.status].sort();
			expect(statuses[0]).toBe(303);
			expect([400, 403]).toContain(statuses[1]);
			// make the demoted one an admin again for the next round
			const winner = admins[0]?.username === 'alice' ? alice : bob;
			const loser = admins[0]?.username === 'alice' ? 'bob' : 'alice';
			await winner.post(`/admin/users/${ids[loser]}?/setRole`, { role: 'admin', confirm: 'yes' });
		}
	});

	it('see a role change made on the other instance on the very next request', async () => {
		const { a, b } = await twoInstances();
		const alice = new Client(a.origin);
		expect((await signUp(alice, 'alice', PASSWORD)).status).toBe(303);
		const bob = new Client(a.origin);
		expect((await signUp(bob, 'bob', PASSWORD)).status).toBe(303);
		const bobOnB = bob.at(b.origin);
		expect((await bobOnB.get('/admin')).status).toBe(403);
		const ids = Object.fromEntries((await storedUsers(a)).map((user) => [user.username, user.id]));
		await alice.post(`/admin/users/${ids.bob}?/setRole`, { role: 'admin', confirm: 'yes' });
		expect((await bobOnB.get('/admin')).status).toBe(200);
	});
});
