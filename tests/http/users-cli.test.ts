import { createHash, randomUUID } from 'node:crypto';
import {
	auditText,
	everythingWritten,
	storedFingerprint,
	storedSessions,
	storedUser,
	seedStore,
	seedUsers,
	storedUsers,
	type UserSeed
} from '../helpers/stored';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { sessions as sessionsCollection } from '../../src/lib/server/store';
import { runScript, type CommandResult } from '../helpers/cli';
import { Client, logIn } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import {
	newStoreLocation,
	onJsonFiles,
	onPostgres,
	storeEnv,
	type StoreLocation
} from '../helpers/backend';
import { removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple purple lantern';
const USAGE = 'Usage: npm run users -- <command>';
const ONLY_ADMIN = 'This is the only admin';

const running: RunningServer[] = [];
const dirs: string[] = [];

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
});

/** An empty store of the backend under test. */
async function emptyStore(): Promise<StoreLocation> {
	const store = await newStoreLocation();
	dirs.push(store.dataDir);
	return store;
}

/** `npm run users -- <args>` on a store, pointed at it as the server is (DATA_DIR, DATABASE_URL). */
function users(
	store: StoreLocation,
	args: string[],
	input = '',
	env: Record<string, string> = {}
): Promise<CommandResult> {
	return runScript('users', args, { ...storeEnv(store), ...env }, input);
}

/** A store holding these users, as a server would have written them. */
async function seeded(
	seeds: UserSeed[]
): Promise<{ store: StoreLocation; ids: Record<string, string> }> {
	const store = await newStoreLocation();
	dirs.push(store.dataDir);
	const records = await seedUsers(store, seeds);
	return { store, ids: Object.fromEntries(records.map((r) => [r.username, r.id])) };
}

const aliceAndBob = () => seeded([{ username: 'alice', role: 'admin' }, { username: 'bob' }]);

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const linkPattern = (prefix: string, userId: string) =>
	new RegExp(`^${prefix.replaceAll('.', '\\.')}/reset-password/${userId}\\.([a-z2-7]{32})$`, 'm');

describe('users create and list', () => {
	it('creates users with a password from standard input, lists them and logs it', async () => {
		const store = await emptyStore();
		const admin = await users(
			store,
			['create', 'Alice', '--admin', '--password-stdin'],
			`${PASSWORD}\n`
		);
		expect(admin).toMatchObject({ code: 0, stdout: 'Created admin alice.\n' });
		const user = await users(store, ['create', 'bob', '--password-stdin'], PASSWORD);
		expect(user).toMatchObject({ code: 0, stdout: 'Created user bob.\n' });

		const stored = await storedUsers(store);
		expect(stored.map(({ username, role }) => ({ username, role }))).toEqual([
			{ username: 'alice', role: 'admin' },
			{ username: 'bob', role: 'user' }
		]);
		for (const record of stored) {
			expect(record.passwordHash).toMatch(/^\$argon2id\$/);
			// the line break that ends the input is not part of the password
			expect(await verifyPassword(record.passwordHash, PASSWORD)).toBe(true);
		}
		expect(JSON.stringify(await everythingWritten(store))).not.toContain(PASSWORD);

		const list = await users(store, ['list']);
		expect(list.code).toBe(0);
		expect(list.stdout).toMatch(/^alice\s+admin\s+\d{4}-\d\d-\d\dT/m);
		expect(list.stdout).toMatch(/^bob\s+user\s+\d{4}-\d\d-\d\dT/m);

		const log = (await auditText(store)).trimEnd().split('\n');
		expect(log.map((line) => JSON.parse(line) as unknown)).toEqual([
			expect.objectContaining({
				actor: 'cli',
				action: 'cli.create-user',
				target: 'alice',
				ip: null
			}),
			expect.objectContaining({ actor: 'cli', action: 'cli.create-user', target: 'bob', ip: null })
		]);
	});

	it('refuses a short password, a taken name and a missing password', async () => {
		const dirs = await Promise.all([aliceAndBob(), aliceAndBob(), aliceAndBob()]);
		const before = await Promise.all(dirs.map(({ store }) => storedFingerprint(store)));
		const [short, taken, noTerminal] = await Promise.all([
			users(dirs[0]!.store, ['create', 'carol', '--password-stdin'], 'short'),
			users(dirs[1]!.store, ['create', 'BOB', '--password-stdin'], PASSWORD),
			users(dirs[2]!.store, ['create', 'carol'])
		]);
		expect(short.code).toBe(1);
		expect(short.stderr).toContain('Password refused: Use at least 8 characters.');
		expect(taken.code).toBe(1);
		expect(taken.stderr).toContain('That username is already taken');
		expect(noTerminal.code).toBe(1);
		expect(noTerminal.stderr).toContain('use --password-stdin');
		expect(await Promise.all(dirs.map(({ store }) => storedFingerprint(store)))).toEqual(before);
	});
});

describe('users set-role and delete', () => {
	it('changes roles, but never demotes the last admin', async () => {
		const { store } = await aliceAndBob();
		const promote = await users(store, ['set-role', 'BOB', 'admin']);
		expect(promote).toMatchObject({ code: 0, stdout: 'bob is now admin.\n' });
		expect((await storedUser(store, 'bob'))?.role).toBe('admin');
		const stepDown = await users(store, ['set-role', 'alice', 'user']);
		expect(stepDown.code).toBe(0);
		expect((await storedUser(store, 'alice'))?.role).toBe('user');

		const before = await storedFingerprint(store);
		const last = await users(store, ['set-role', 'bob', 'user']);
		expect(last.code).toBe(1);
		expect(last.stderr).toContain(ONLY_ADMIN);
		expect(await storedFingerprint(store)).toEqual(before);
	});

	it('deletes a user with their sessions, but not the last admin', async () => {
		const { store, ids } = await aliceAndBob();
		const now = Date.now();
		const session = (userId: string) => ({
			id: sha256Hex(randomUUID()),
			userId,
			createdAt: new Date(now).toISOString(),
			lastActiveAt: new Date(now).toISOString(),
			expiresAt: new Date(now + 600_000).toISOString(),
			remember: false,
			ip: '',
			userAgent: '',
			credentialVersion: 0,
			twoStep: 'not-used' as const
		});
		const sessions = [session(ids.alice ?? ''), session(ids.bob ?? ''), session(ids.bob ?? '')];
		await seedStore(store, (opened) =>
			opened.update(async (tx) => {
				for (const record of sessions) await tx.of(sessionsCollection).insert(record);
			})
		);

		const removed = await users(store, ['delete', 'bob']);
		expect(removed).toMatchObject({ code: 0, stdout: 'Deleted bob.\n' });
		expect((await storedUsers(store)).map((user) => user.username)).toEqual(['alice']);
		const left = await storedSessions(store);
		expect(left.map((kept) => kept.id)).toEqual([sessions[0]?.id]);

		const before = await storedFingerprint(store);
		const last = await users(store, ['delete', 'alice']);
		expect(last.code).toBe(1);
		expect(last.stderr).toContain(ONLY_ADMIN);
		expect(await storedFingerprint(store)).toEqual(before);
	});
});

describe('users reset-password', () => {
	it('prints a one-time link on --origin, else ORIGIN, else as a path', async () => {
		const [flag, env, bare] = await Promise.all([aliceAndBob(), aliceAndBob(), aliceAndBob()]);
		const [withFlag, withEnv, withNeither] = await Promise.all([
			users(flag.store, ['reset-password', 'bob', '--origin', 'https://team.example.com'], '', {
				ORIGIN: 'https://ignored.example.com'
			}),
			users(env.store, ['reset-password', 'bob'], '', {
				ORIGIN: 'https://gate.example.org/some/path'
			}),
			users(bare.store, ['reset-password', 'bob'])
		]);
		expect(withFlag.code).toBe(0);
		expect(withFlag.stdout).toContain('One-time link for bob, valid for 30 minutes:');
		const secret = linkPattern('https://team.example.com', flag.ids.bob ?? '').exec(
			withFlag.stdout
		)?.[1];
		expect(secret).toBeDefined();
		expect(withEnv.stdout).toMatch(linkPattern('https://gate.example.org', env.ids.bob ?? ''));
		expect(withNeither.stdout).toMatch(linkPattern('', bare.ids.bob ?? ''));
		expect(withNeither.stdout.split('\n')[0]).toBe(
			'One-time link for bob, valid for 30 minutes. Neither --origin nor ORIGIN is set, so ' +
				"this is a relative link: put the app's address in front of it."
		);

		expect(JSON.stringify(await everythingWritten(flag.store))).not.toContain(secret);
		expect((await storedUser(flag.store, 'bob'))?.passwordReset?.secretHash).toBe(
			sha256Hex(secret ?? '')
		);
		expect(await auditText(flag.store)).toContain('"action":"cli.reset-link"');
		expect(await auditText(flag.store)).not.toContain(secret);
	});
});

describe('mistakes', () => {
	it('exits 2 with the usage text on a usage mistake, touching nothing', async () => {
		const { store } = await aliceAndBob();
		const before = await storedFingerprint(store);
		const mistakes = [[], ['create'], ['set-role', 'bob', 'boss'], ['delete', 'bob', '--force']];
		const results = await Promise.all(mistakes.map((args) => users(store, args)));
		results.forEach((result, index) => {
			expect(result.code, mistakes[index]?.join(' ')).toBe(2);
			expect(result.stderr, mistakes[index]?.join(' ')).toContain(USAGE);
			expect(result.stdout).toBe('');
		});
		expect(await storedFingerprint(store)).toEqual(before);
	});

	it('checks --origin before it replaces an earlier link', async () => {
		const { store } = await aliceAndBob();
		const before = await storedFingerprint(store);
		const result = await users(store, ['reset-password', 'bob', '--origin', 'not a url']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--origin');
		expect(await storedFingerprint(store)).toEqual(before);
	});

	it('exits 1 for a user that does not exist', async () => {
		const commands = [
			['reset-password', 'ghost'],
			['delete', 'ghost']
		];
		const setups = await Promise.all(commands.map(() => aliceAndBob()));
		const before = await Promise.all(setups.map(({ store }) => storedFingerprint(store)));
		const results = await Promise.all(
			commands.map((args, index) => users(setups[index]!.store, args))
		);
		for (const result of results) {
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('There is no user ghost');
		}
		expect(await Promise.all(setups.map(({ store }) => storedFingerprint(store)))).toEqual(before);
	});
});

onJsonFiles('with a server on the JSON files', () => {
	it('refuses to change anything while the server runs, and its changes work once restarted', async () => {
		const { store, ids } = await seeded([
			{ username: 'alice', role: 'admin', password: PASSWORD },
			{ username: 'bob', password: PASSWORD }
		]);
		const server = await startServer({ store });
		running.push(server);
		const pid = server.process.pid;
		const before = await storedFingerprint(store);
		const refusals = await Promise.all([
			users(store, ['create', 'carol', '--password-stdin'], PASSWORD),
			users(store, ['set-role', 'bob', 'admin']),
			users(store, ['reset-password', 'bob', '--origin', 'https://team.example.com']),
			users(store, ['delete', 'bob'])
		]);
		for (const refusal of refusals) {
			expect(refusal.code).toBe(1);
			expect(refusal.stderr).toContain(`held by process ${pid}`);
			expect(refusal.stderr).toContain('Stop it first');
			expect(refusal.stdout).toBe('');
		}
		expect(await storedFingerprint(store)).toEqual(before);
		expect((await logIn(new Client(server.origin), 'alice', PASSWORD)).status).toBe(303);

		expect(await server.stop()).toBe(0);
		const created = await users(store, ['create', 'dave', '--password-stdin'], PASSWORD);
		expect(created.code).toBe(0);
		const reset = await users(store, ['reset-password', 'bob', '--origin', 'http://gate.test']);
		const link = linkPattern('http://gate.test', ids.bob ?? '').exec(reset.stdout)?.[0] ?? '';
		expect(link).not.toBe('');

		const restarted = await startServer({ store });
		running.push(restarted);
		const dave = new Client(restarted.origin);
		const login = await logIn(dave, 'dave', PASSWORD);
		expect(login.status).toBe(303);
		expect(login.headers.get('location')).toBe('/home');

		const bob = new Client(restarted.origin);
		const setPassword = await bob.post(new URL(link).pathname, {
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(setPassword.status).toBe(303);
		expect((await logIn(new Client(restarted.origin), 'bob', PASSWORD)).status).toBe(400);
		expect((await logIn(bob, 'bob', NEW_PASSWORD)).status).toBe(303);
	});
});

onPostgres('with servers on PostgreSQL', () => {
	it('changes data while servers run, and they see it on the next request', async () => {
		const { store } = await seeded([
			{ username: 'alice', role: 'admin', password: PASSWORD },
			{ username: 'bob', password: PASSWORD }
		]);
		const server = await startServer({ store });
		running.push(server);
		const bob = new Client(server.origin);
		expect((await logIn(bob, 'bob', PASSWORD)).status).toBe(303);
		expect((await bob.get('/admin')).status).toBe(403);

		const promoted = await users(store, ['set-role', 'bob', 'admin']);
		expect(promoted.code).toBe(0);
		expect((await bob.get('/admin')).status).toBe(200);
		const created = await users(store, ['create', 'carol', '--password-stdin'], PASSWORD);
		expect(created.code).toBe(0);
		expect((await logIn(new Client(server.origin), 'carol', PASSWORD)).status).toBe(303);
		const deleted = await users(store, ['delete', 'bob']);
		expect(deleted.code).toBe(0);
		expect((await bob.get('/home')).status).toBe(303);
	});
});
