import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
	auditText,
	everythingWritten,
	storedFingerprint,
	storedSessions,
	storedUser,
	storedUsers
} from '../helpers/stored';
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password';
import { runScript, type CommandResult } from '../helpers/cli';
import { Client, logIn } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

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

async function tempDir(): Promise<string> {
	const dir = await makeTempDir();
	dirs.push(dir);
	return dir;
}

/** `npm run users -- <args>` on a data directory. */
function users(
	dataDir: string,
	args: string[],
	input = '',
	env: Record<string, string> = {}
): Promise<CommandResult> {
	return runScript('users', args, { DATA_DIR: dataDir, ...env }, input);
}

/** A data directory holding these users, as a server would have written it. */
async function seededDir(
	seeds: { username: string; role?: 'user' | 'admin'; password?: string }[]
): Promise<{ dataDir: string; ids: Record<string, string> }> {
	const dataDir = await tempDir();
	const epoch = Date.parse('2026-01-01T00:00:00.000Z');
	const records = await Promise.all(
		seeds.map(async (seed, index) => ({
			id: randomUUID(),
			username: seed.username,
			passwordHash: seed.password ? await hashPassword(seed.password) : 'seeded-without-password',
			role: seed.role ?? 'user',
			createdAt: new Date(epoch + index * 1000).toISOString()
		}))
	);
	await fs.writeFile(path.join(dataDir, 'users.json'), JSON.stringify({ users: records }));
	await fs.writeFile(path.join(dataDir, 'sessions.json'), JSON.stringify({ sessions: [] }));
	await fs.writeFile(path.join(dataDir, 'limits.json'), JSON.stringify({ limits: [] }));
	const ids = Object.fromEntries(records.map((record) => [record.username, record.id]));
	return { dataDir, ids };
}

const aliceAndBob = () => seededDir([{ username: 'alice', role: 'admin' }, { username: 'bob' }]);

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const linkPattern = (prefix: string, userId: string) =>
	new RegExp(`^${prefix.replaceAll('.', '\\.')}/reset-password/${userId}\\.([a-z2-7]{32})$`, 'm');

describe('users create and list', () => {
	it('creates users with a password from standard input, lists them and logs it', async () => {
		const dataDir = await tempDir();
		const admin = await users(
			dataDir,
			['create', 'Alice', '--admin', '--password-stdin'],
			`${PASSWORD}\n`
		);
		expect(admin).toMatchObject({ code: 0, stdout: 'Created admin alice.\n' });
		const user = await users(dataDir, ['create', 'bob', '--password-stdin'], PASSWORD);
		expect(user).toMatchObject({ code: 0, stdout: 'Created user bob.\n' });

		const stored = await storedUsers(dataDir);
		expect(stored.map(({ username, role }) => ({ username, role }))).toEqual([
			{ username: 'alice', role: 'admin' },
			{ username: 'bob', role: 'user' }
		]);
		for (const record of stored) {
			expect(record.passwordHash).toMatch(/^\$argon2id\$/);
			// the line break that ends the input is not part of the password
			expect(await verifyPassword(record.passwordHash, PASSWORD)).toBe(true);
		}
		expect(JSON.stringify(await everythingWritten(dataDir))).not.toContain(PASSWORD);

		const list = await users(dataDir, ['list']);
		expect(list.code).toBe(0);
		expect(list.stdout).toMatch(/^alice\s+admin\s+\d{4}-\d\d-\d\dT/m);
		expect(list.stdout).toMatch(/^bob\s+user\s+\d{4}-\d\d-\d\dT/m);

		const log = (await auditText(dataDir)).trimEnd().split('\n');
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
		const before = await Promise.all(dirs.map(({ dataDir }) => storedFingerprint(dataDir)));
		const [short, taken, noTerminal] = await Promise.all([
			users(dirs[0]?.dataDir ?? '', ['create', 'carol', '--password-stdin'], 'short'),
			users(dirs[1]?.dataDir ?? '', ['create', 'BOB', '--password-stdin'], PASSWORD),
			users(dirs[2]?.dataDir ?? '', ['create', 'carol'])
		]);
		expect(short.code).toBe(1);
		expect(short.stderr).toContain('Password refused: Use at least 8 characters.');
		expect(taken.code).toBe(1);
		expect(taken.stderr).toContain('That username is already taken');
		expect(noTerminal.code).toBe(1);
		expect(noTerminal.stderr).toContain('use --password-stdin');
		expect(await Promise.all(dirs.map(({ dataDir }) => storedFingerprint(dataDir)))).toEqual(
			before
		);
	});
});

describe('users set-role and delete', () => {
	it('changes roles, but never demotes the last admin', async () => {
		const { dataDir } = await aliceAndBob();
		const promote = await users(dataDir, ['set-role', 'BOB', 'admin']);
		expect(promote).toMatchObject({ code: 0, stdout: 'bob is now admin.\n' });
		expect((await storedUser(dataDir, 'bob'))?.role).toBe('admin');
		const stepDown = await users(dataDir, ['set-role', 'alice', 'user']);
		expect(stepDown.code).toBe(0);
		expect((await storedUser(dataDir, 'alice'))?.role).toBe('user');

		const before = await storedFingerprint(dataDir);
		const last = await users(dataDir, ['set-role', 'bob', 'user']);
		expect(last.code).toBe(1);
		expect(last.stderr).toContain(ONLY_ADMIN);
		expect(await storedFingerprint(dataDir)).toEqual(before);
	});

	it('deletes a user with their sessions, but not the last admin', async () => {
		const { dataDir, ids } = await aliceAndBob();
		const now = Date.now();
		const session = (userId: string) => ({
			id: sha256Hex(randomUUID()),
			userId,
			createdAt: new Date(now).toISOString(),
			lastActiveAt: new Date(now).toISOString(),
			expiresAt: new Date(now + 600_000).toISOString(),
			remember: false
		});
		const sessions = [session(ids.alice ?? ''), session(ids.bob ?? ''), session(ids.bob ?? '')];
		await fs.writeFile(path.join(dataDir, 'sessions.json'), JSON.stringify({ sessions }));

		const removed = await users(dataDir, ['delete', 'bob']);
		expect(removed).toMatchObject({ code: 0, stdout: 'Deleted bob.\n' });
		expect((await storedUsers(dataDir)).map((user) => user.username)).toEqual(['alice']);
		const left = await storedSessions(dataDir);
		expect(left.map((kept) => kept.id)).toEqual([sessions[0]?.id]);

		const before = await storedFingerprint(dataDir);
		const last = await users(dataDir, ['delete', 'alice']);
		expect(last.code).toBe(1);
		expect(last.stderr).toContain(ONLY_ADMIN);
		expect(await storedFingerprint(dataDir)).toEqual(before);
	});
});

describe('users reset-password', () => {
	it('prints a one-time link on --origin, else ORIGIN, else as a path', async () => {
		const [flag, env, bare] = await Promise.all([aliceAndBob(), aliceAndBob(), aliceAndBob()]);
		const [withFlag, withEnv, withNeither] = await Promise.all([
			users(flag.dataDir, ['reset-password', 'bob', '--origin', 'https://team.example.com'], '', {
				ORIGIN: 'https://ignored.example.com'
			}),
			users(env.dataDir, ['reset-password', 'bob'], '', {
				ORIGIN: 'https://gate.example.org/some/path'
			}),
			users(bare.dataDir, ['reset-password', 'bob'])
		]);
		expect(withFlag.code).toBe(0);
		expect(withFlag.stdout).toContain('One-time link for bob, valid for 30 minutes:');
		const secret = linkPattern('https://team.example.com', flag.ids.bob ?? '').exec(
			withFlag.stdout
		)?.[1];
		expect(secret).toBeDefined();
		expect(withEnv.stdout).toMatch(linkPattern('https://gate.example.org', env.ids.bob ?? ''));
		expect(withNeither.stdout).toMatch(linkPattern('', bare.ids.bob ?? ''));
		expect(withNeither.stdout).toContain('set ORIGIN');

		expect(JSON.stringify(await everythingWritten(flag.dataDir))).not.toContain(secret);
		expect((await storedUser(flag.dataDir, 'bob'))?.passwordReset?.secretHash).toBe(
			sha256Hex(secret ?? '')
		);
		expect(await auditText(flag.dataDir)).toContain('"action":"cli.reset-link"');
		expect(await auditText(flag.dataDir)).not.toContain(secret);
	});
});

describe('mistakes', () => {
	it('exits 2 with the usage text on a usage mistake, touching nothing', async () => {
		const { dataDir } = await aliceAndBob();
		const before = await storedFingerprint(dataDir);
		const mistakes = [[], ['create'], ['set-role', 'bob', 'boss'], ['delete', 'bob', '--force']];
		const results = await Promise.all(mistakes.map((args) => users(dataDir, args)));
		results.forEach((result, index) => {
			expect(result.code, mistakes[index]?.join(' ')).toBe(2);
			expect(result.stderr, mistakes[index]?.join(' ')).toContain(USAGE);
			expect(result.stdout).toBe('');
		});
		expect(await storedFingerprint(dataDir)).toEqual(before);
	});

	it('checks --origin before it replaces an earlier link', async () => {
		const { dataDir } = await aliceAndBob();
		const before = await storedFingerprint(dataDir);
		const result = await users(dataDir, ['reset-password', 'bob', '--origin', 'not a url']);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--origin');
		expect(await storedFingerprint(dataDir)).toEqual(before);
	});

	it('exits 1 for a user that does not exist', async () => {
		const commands = [
			['reset-password', 'ghost'],
			['delete', 'ghost']
		];
		const setups = await Promise.all(commands.map(() => aliceAndBob()));
		const before = await Promise.all(setups.map(({ dataDir }) => storedFingerprint(dataDir)));
		const results = await Promise.all(
			commands.map((args, index) => users(setups[index]?.dataDir ?? '', args))
		);
		for (const result of results) {
			expect(result.code).toBe(1);
			expect(result.stderr).toContain('There is no user ghost');
		}
		expect(await Promise.all(setups.map(({ dataDir }) => storedFingerprint(dataDir)))).toEqual(
			before
		);
	});
});

describe('with a server', () => {
	it('refuses to change anything while the server runs, and its changes work once restarted', async () => {
		const { dataDir, ids } = await seededDir([
			{ username: 'alice', role: 'admin', password: PASSWORD },
			{ username: 'bob', password: PASSWORD }
		]);
		const server = await startServer({ dataDir });
		running.push(server);
		const pid = server.process.pid;
		const before = await storedFingerprint(dataDir);
		const refusals = await Promise.all([
			users(dataDir, ['create', 'carol', '--password-stdin'], PASSWORD),
			users(dataDir, ['set-role', 'bob', 'admin']),
			users(dataDir, ['reset-password', 'bob', '--origin', 'https://team.example.com']),
			users(dataDir, ['delete', 'bob'])
		]);
		for (const refusal of refusals) {
			expect(refusal.code).toBe(1);
			expect(refusal.stderr).toContain(`held by process ${pid}`);
			expect(refusal.stderr).toContain('Stop it first');
			expect(refusal.stdout).toBe('');
		}
		expect(await storedFingerprint(dataDir)).toEqual(before);
		expect((await logIn(new Client(server.origin), 'alice', PASSWORD)).status).toBe(303);

		expect(await server.stop()).toBe(0);
		const created = await users(dataDir, ['create', 'dave', '--password-stdin'], PASSWORD);
		expect(created.code).toBe(0);
		const reset = await users(dataDir, ['reset-password', 'bob', '--origin', 'http://gate.test']);
		const link = linkPattern('http://gate.test', ids.bob ?? '').exec(reset.stdout)?.[0] ?? '';
		expect(link).not.toBe('');

		const restarted = await startServer({ dataDir });
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
