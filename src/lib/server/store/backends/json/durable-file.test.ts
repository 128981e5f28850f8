import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../../../tests/helpers/temp-dir';
import { isTempFileName, writeFileDurably } from './durable-file';
import {
	CORE_COLLECTIONS,
	DataFileError,
	sessions as sessionsTable,
	users as usersTable
} from '../../index';
import type { UserRecord } from '../../records';
import { JsonStore } from './json-store';
import { LOCK_FILE_NAME } from './lock';

const openStore = (dataDir: string) => JsonStore.open(dataDir, CORE_COLLECTIONS);

let dir: string;
let usersFile: string;
let sessionsFile: string;

beforeEach(async () => {
	dir = await makeTempDir();
	usersFile = path.join(dir, 'users.json');
	sessionsFile = path.join(dir, 'sessions.json');
});

afterEach(async () => {
	await removeDir(dir);
});

async function sha256(file: string): Promise<string> {
	return createHash('sha256')
		.update(await fs.readFile(file))
		.digest('hex');
}

async function mode(file: string): Promise<number> {
	return (await fs.stat(file)).mode & 0o777;
}

/** A user as stored in users.json (fields the reader fills in may be left out). */
const alice = {
	id: 'u1',
	username: 'alice',
	passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA',
	role: 'user',
	createdAt: '2024-01-01T00:00:00.000Z'
};

const session = {
	id: 'a'.repeat(64),
	userId: 'u1',
	createdAt: '2024-01-01T00:00:00.000Z',
	lastActiveAt: '2024-01-01T00:00:00.000Z',
	expiresAt: '2024-01-01T00:10:00.000Z',
	remember: false,
	ip: '127.0.0.1',
	userAgent: 'test'
};

const users = (...records: unknown[]): string => JSON.stringify({ users: records });
const sessions = (...records: unknown[]): string => JSON.stringify({ sessions: records });
function without(record: object, ...fields: string[]): Record<string, unknown> {
	const copy: Record<string, unknown> = { ...record };
	for (const field of fields) delete copy[field];
	return copy;
}

describe('strict reading', () => {
	const badUsers: Array<[string, string, string]> = [
		['is empty', '', 'the file is empty'],
		['holds only whitespace', ' \n\t\n', 'the file is empty'],
		['is truncated JSON', '{"users": [{"id": "u1", "user', 'not valid JSON'],
		['is null', 'null', 'found null'],
		['is an array', '[]', 'found an array'],
		['is an empty object', '{}', 'expected a "users" array, found nothing'],
		['holds users as an object', '{"users": {}}', 'expected a "users" array'],
		['holds a record that is not an object', users(alice, 42), 'users[1]: not an object'],
		[
			'holds a record missing a field',
			users(without(alice, 'passwordHash')),
			'users[0]: "passwordHash" must be a non-empty string'
		],
		['holds an empty id', users({ ...alice, id: '' }), 'users[0]: "id" must be a non-empty string'],
		['holds a wrong role', users({ ...alice, role: 'root' }), 'users[0]: "role" must be'],
		['holds a bad date', users({ ...alice, createdAt: 'yesterday' }), '"createdAt" is not a date'],
		[
			'holds a date with month 13',
			users({ ...alice, createdAt: '2025-13-45T00:00:00Z' }),
			'"createdAt" is not a date'
		],
		[
			'holds duplicate ids',
			users(alice, { ...alice, username: 'bob' }),
			'users[1]: duplicate id u1'
		],
		[
			'holds duplicate usernames',
			users(alice, { ...alice, id: 'u2' }),
			'username "alice" is taken by u1, so record u2 cannot have it too'
		]
	];

	it.each(badUsers)(
		'refuses a users.json that %s and leaves it unchanged',
		async (_, text, problem) => {
			await fs.writeFile(usersFile, text);
			const before = await sha256(usersFile);
			const error = await openStore(dir).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(DataFileError);
			expect((error as DataFileError).file).toBe(usersFile);
			expect((error as DataFileError).message).toContain(usersFile);
			expect((error as DataFileError).message).toContain(problem);
			expect(await sha256(usersFile)).toBe(before);
			// Nothing else was created and the lock was given back.
			expect(await fs.readdir(dir)).toEqual(['users.json']);
		}
	);

	const badSessions: Array<[string, string, string]> = [
		['is truncated JSON', '{"sessions": [', 'not valid JSON'],
		['holds an id that is not a digest', sessions({ ...session, id: 'token' }), 'SHA-256'],
		['holds a session without "remember"', sessions({ ...session, remember: 'yes' }), 'remember'],
		['holds a bad expiry', sessions({ ...session, expiresAt: 'never' }), '"expiresAt"'],
		['holds duplicate ids', sessions(session, session), 'sessions[1]: duplicate id']
	];

	it.each(badSessions)(
		'refuses a sessions.json that %s and leaves it unchanged',
		async (_, text, problem) => {
			await fs.writeFile(usersFile, users(alice));
			await fs.writeFile(sessionsFile, text);
			const before = await sha256(sessionsFile);
			const error = await openStore(dir).catch((caught: unknown) => caught);
			expect(error).toBeInstanceOf(DataFileError);
			expect((error as DataFileError).message).toContain(sessionsFile);
			expect((error as DataFileError).message).toContain(problem);
			expect(await sha256(sessionsFile)).toBe(before);
			expect((await fs.readdir(dir)).sort()).toEqual(['sessions.json', 'users.json']);
		}
	);

	it('opens a valid file without rewriting it', async () => {
		const text = JSON.stringify({ users: [alice] }, null, 2);
		await fs.writeFile(usersFile, text);
		await fs.writeFile(sessionsFile, sessions(session));
		const store = await openStore(dir);
		expect(await store.of(usersTable).get('u1')).toMatchObject(alice);
		expect((await store.of(usersTable).getBy('username', 'alice'))?.id).toBe('u1');
		expect(await store.of(sessionsTable).get(session.id)).toEqual({
			...session,
			credentialVersion: 0,
			twoStep: 'not-used'
		});
		await store.close();
		expect(await fs.readFile(usersFile, 'utf8')).toBe(text);
	});

	it('fills in missing optional session fields', async () => {
		await fs.writeFile(sessionsFile, sessions(without(session, 'ip', 'userAgent')));
		const store = await openStore(dir);
		expect(await store.of(sessionsTable).get(session.id)).toEqual({
			...session,
			ip: '',
			userAgent: '',
			credentialVersion: 0,
			twoStep: 'not-used'
		});
		await store.close();
	});
});

describe('creating and writing files', () => {
	it('creates missing files with no records and mode 0600', async () => {
		const store = await openStore(dir);
		await store.close();
		expect(JSON.parse(await fs.readFile(usersFile, 'utf8'))).toEqual({ users: [] });
		expect(JSON.parse(await fs.readFile(sessionsFile, 'utf8'))).toEqual({ sessions: [] });
		expect(await mode(usersFile)).toBe(0o600);
		expect(await mode(sessionsFile)).toBe(0o600);
	});

	it('creates a missing data directory with mode 0700', async () => {
		const dataDir = path.join(dir, 'nested', 'data');
		const store = await openStore(dataDir);
		await store.close();
		expect(await mode(dataDir)).toBe(0o700);
		expect((await fs.readdir(dataDir)).sort()).toEqual([
			'apps.json',
			'authenticators.json',
			'group-members.json',
			'groups.json',
			'limits.json',
			'passkeys.json',
			'recovery-codes.json',
			'session-endings.json',
			'sessions.json',
			'users.json',
			'webauthn-challenges.json'
		]);
	});

	it('writes files with mode 0600, whatever mode the old file had', async () => {
		await fs.writeFile(usersFile, users(alice));
		await fs.chmod(usersFile, 0o644);
		const store = await openStore(dir);
		await store.update(async (tx) => {
			const existing = await tx.of(usersTable).get('u1');
			if (!existing) throw new Error('alice was not read');
			await tx.of(usersTable).insert({ ...existing, id: 'u2', username: 'bob' });
		});
		await store.close();
		expect(await mode(usersFile)).toBe(0o600);
		const written = JSON.parse(await fs.readFile(usersFile, 'utf8')) as { users: UserRecord[] };
		expect(written.users.map((user) => user.username)).toEqual(['alice', 'bob']);
	});

	it('removes temp files a crash left behind, and nothing else', async () => {
		await fs.writeFile(path.join(dir, '.users.json.abc.tmp'), '{"users": [');
		await fs.writeFile(path.join(dir, '.sessions.json.0123456789ab.tmp'), '');
		await fs.writeFile(path.join(dir, 'notes.txt'), 'keep me');
		await fs.writeFile(path.join(dir, 'users.tmp'), 'keep me too');
		const store = await openStore(dir);
		expect((await fs.readdir(dir)).sort()).toEqual([
			'apps.json',
			'authenticators.json',
			LOCK_FILE_NAME,
			'group-members.json',
			'groups.json',
			'limits.json',
			'notes.txt',
			'passkeys.json',
			'recovery-codes.json',
			'session-endings.json',
			'sessions.json',
			'users.json',
			'users.tmp',
			'webauthn-challenges.json'
		]);
		await store.close();
	});

	it('writeFileDurably replaces the file and leaves no temp file', async () => {
		const file = path.join(dir, 'plain.json');
		await writeFileDurably(file, 'first');
		await writeFileDurably(file, 'second');
		expect(await fs.readFile(file, 'utf8')).toBe('second');
		expect(await mode(file)).toBe(0o600);
		expect(await fs.readdir(dir)).toEqual(['plain.json']);
	});

	it('writeFileDurably removes its temp file when the rename fails', async () => {
		const target = path.join(dir, 'taken');
		await fs.mkdir(target);
		await expect(writeFileDurably(target, 'text')).rejects.toThrow();
		expect(await fs.readdir(dir)).toEqual(['taken']);
	});

	it('recognises temp file names', () => {
		expect(isTempFileName('.users.json.a1b2c3.tmp')).toBe(true);
		expect(isTempFileName('users.json')).toBe(false);
		expect(isTempFileName('users.tmp')).toBe(false);
		expect(isTempFileName('.users.json')).toBe(false);
	});
});
