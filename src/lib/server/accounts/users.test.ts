import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../../tests/helpers/store';
import { storedFingerprint, storedUsers } from '../../../../tests/helpers/stored';
import { store, users, type Role } from '../store';
import { deleteAccount } from './account-deletion';
import { LastAdminError, setRole } from './roles';
import {
	createUser,
	findUserByUsername,
	getUser,
	hasNoUsers,
	listUsers,
	UsernameTakenError
} from './users';

const getStore = useTempStore();

const PASSWORD = 'correct horse battery';

const rolesOnDisk = async () =>
	Object.fromEntries(
		(await storedUsers(getStore().dataDir)).map((user) => [user.username, user.role])
	);

const countAdmins = () => store().of(users).countBy('role', 'admin');

/** Many accounts without hashing a password for each: list tests only need the records. */
async function insertUsers(usernames: string[], role: Role = 'user'): Promise<void> {
	const start = Date.parse('2026-01-01T00:00:00.000Z');
	await store().update(async (tx) => {
		for (const [i, username] of usernames.entries()) {
			await tx.of(users).insert({
				id: randomUUID(),
				username,
				passwordHash: 'not-a-hash',
				role,
				createdAt: new Date(start + i * 1000).toISOString(),
				fullName: '',
				bio: '',
				age: null,
				passwordReset: null,
				credentialVersion: 0
			});
		}
	});
}

describe('createUser', () => {
	it('makes the first account of an empty store the admin and every later one a user', async () => {
		expect(await hasNoUsers()).toBe(true);
		const first = await createUser('alice', PASSWORD);
		expect(await hasNoUsers()).toBe(false);
		const second = await createUser('bob', PASSWORD);
		const third = await createUser('carol', PASSWORD);
		expect([first.role, second.role, third.role]).toEqual(['admin', 'user', 'user']);
		expect(await rolesOnDisk()).toEqual({ alice: 'admin', bob: 'user', carol: 'user' });
	});

	it('gives an explicit role as asked, even to the first account', async () => {
		expect((await createUser('alice', PASSWORD, 'user')).role).toBe('user');
		expect((await createUser('bob', PASSWORD, 'admin')).role).toBe('admin');
		expect(await rolesOnDisk()).toEqual({ alice: 'user', bob: 'admin' });
	});

	it('makes exactly one admin of many simultaneous first signups', async () => {
		const names = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
		const created = await Promise.all(names.map((name) => createUser(name, PASSWORD)));
		expect(created.filter((user) => user.role === 'admin')).toHaveLength(1);
		expect(await countAdmins()).toBe(1);
		const onDisk = await storedUsers(getStore().dataDir);
		expect(onDisk).toHaveLength(names.length);
		expect(onDisk.filter((user) => user.role === 'admin')).toHaveLength(1);
	});

	it('never returns the password hash or a reset secret', async () => {
		const user = await createUser('alice', PASSWORD);
		expect(Object.keys(user).sort()).toEqual(
			['age', 'bio', 'createdAt', 'fullName', 'id', 'role', 'username'].sort()
		);
		expect((await getUser(user.id))?.passwordHash).toMatch(/^\$argon2id\$/);
	});

	it('refuses a taken name, also when both arrive at once', async () => {
		await createUser('alice', PASSWORD);
		await expect(createUser('alice', PASSWORD)).rejects.toThrow(UsernameTakenError);
		const outcomes = await Promise.allSettled([
			createUser('bob', PASSWORD),
			createUser('bob', PASSWORD)
		]);
		expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
		expect((await storedUsers(getStore().dataDir)).map((user) => user.username)).toEqual([
			'alice',
			'bob'
		]);
	});
});

describe('setRole', () => {
	it('promotes and demotes, on disk before it returns', async () => {
		const alice = await createUser('alice', PASSWORD);
		const bob = await createUser('bob', PASSWORD);
		await setRole(bob.id, 'admin');
		expect(await rolesOnDisk()).toEqual({ alice: 'admin', bob: 'admin' });
		expect(await countAdmins()).toBe(2);
		await setRole(alice.id, 'user');
		expect(await rolesOnDisk()).toEqual({ alice: 'user', bob: 'admin' });
		expect((await findUserByUsername('alice'))?.role).toBe('user');
	});

	it('refuses to demote the only admin, in memory and on disk', async () => {
		const alice = await createUser('alice', PASSWORD);
		await createUser('bob', PASSWORD);
		const before = await storedFingerprint(getStore().dataDir, ['users']);
		await expect(setRole(alice.id, 'user')).rejects.toThrow(LastAdminError);
		await expect(setRole(alice.id, 'user')).rejects.toThrow(
			'This is the only admin: make someone else an admin first.'
		);
		expect((await getUser(alice.id))?.role).toBe('admin');
		expect(await storedFingerprint(getStore().dataDir, ['users'])).toBe(before);
		// keeping the role is no change, and no error
		await expect(setRole(alice.id, 'admin')).resolves.toBeUndefined();
	});

	it('keeps one admin when two admins demote each other at once', async () => {
		const alice = await createUser('alice', PASSWORD);
		const bob = await createUser('bob', PASSWORD, 'admin');
		const outcomes = await Promise.allSettled([setRole(alice.id, 'user'), setRole(bob.id, 'user')]);
		expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
		expect(await countAdmins()).toBe(1);
		expect(Object.values(await rolesOnDisk()).sort()).toEqual(['admin', 'user']);
	});

	it('throws for a user that does not exist', async () => {
		await expect(setRole(randomUUID(), 'admin')).rejects.toThrow(/No user/);
	});
});

describe('the last admin and account deletion', () => {
	it('refuses to delete the only admin, and deletes an admin who has company', async () => {
		const alice = await createUser('alice', PASSWORD);
		const bob = await createUser('bob', PASSWORD);
		await expect(deleteAccount(alice.id)).rejects.toThrow(LastAdminError);
		expect(await getUser(alice.id)).toBeDefined();
		await setRole(bob.id, 'admin');
		await deleteAccount(alice.id);
		expect(await rolesOnDisk()).toEqual({ bob: 'admin' });
		await expect(deleteAccount(bob.id)).rejects.toThrow(LastAdminError);
	});

	it('keeps one admin when two admins delete each other at once', async () => {
		const alice = await createUser('alice', PASSWORD);
		const bob = await createUser('bob', PASSWORD, 'admin');
		await Promise.allSettled([deleteAccount(alice.id), deleteAccount(bob.id)]);
		expect(await countAdmins()).toBe(1);
		expect(Object.values(await rolesOnDisk())).toEqual(['admin']);
	});

	it('keeps one admin when one admin is demoted while the other is deleted', async () => {
		const alice = await createUser('alice', PASSWORD);
		const bob = await createUser('bob', PASSWORD, 'admin');
		await Promise.allSettled([deleteAccount(alice.id), setRole(bob.id, 'user')]);
		expect(await countAdmins()).toBe(1);
		expect(Object.values(await rolesOnDisk())).toContain('admin');
	});
});

describe('listUsers', () => {
	const members = Array.from({ length: 120 }, (_, i) => `member${String(i).padStart(3, '0')}`);

	it('lists newest first, one page at a time', async () => {
		await insertUsers(members);
		const first = await listUsers('', 1, 50);
		expect(first).toMatchObject({ total: 120, page: 1, pages: 3 });
		expect(first.users.map((user) => user.username)).toEqual(members.slice(70).reverse());
		const last = await listUsers('', 3, 50);
		expect(last.users.map((user) => user.username)).toEqual(members.slice(0, 20).reverse());
		const pages = await Promise.all([1, 2, 3].map((page) => listUsers('', page, 50)));
		const all = pages.flatMap((page) => page.users);
		expect(new Set(all.map((user) => user.id)).size).toBe(120);
	});

	it('keeps the page number within the pages there are', async () => {
		await insertUsers(members.slice(0, 51));
		for (const page of [0, -3]) expect((await listUsers('', page, 50)).page).toBe(1);
		for (const page of [2, 3, 1000]) {
			const result = await listUsers('', page, 50);
			expect(result).toMatchObject({ page: 2, pages: 2 });
			expect(result.users.map((user) => user.username)).toEqual(['member000']);
		}
	});

	it('has exactly one page for 50 users, and one empty page for none', async () => {
		expect(await listUsers('', 1, 50)).toEqual({ users: [], total: 0, page: 1, pages: 1 });
		expect(await listUsers('', 7, 50)).toEqual({ users: [], total: 0, page: 1, pages: 1 });
		await insertUsers(members.slice(0, 50));
		expect(await listUsers('', 1, 50)).toMatchObject({ total: 50, pages: 1 });
		expect((await listUsers('', 1, 50)).users).toHaveLength(50);
	});

	it('searches by part of the username, ignoring case, width and surrounding spaces', async () => {
		await insertUsers([...members.slice(0, 30), 'alice', 'malice', 'bob']);
		const names = async (search: string) =>
			(await listUsers(search, 1, 50)).users.map((user) => user.username);
		expect(await names('lice')).toEqual(['malice', 'alice']);
		expect(await names('  ALICE ')).toEqual(['malice', 'alice']);
		expect(await names('ＡＬＩＣＥ')).toEqual(['malice', 'alice']);
		expect(await names('member01')).toEqual(members.slice(10, 20).reverse());
		expect(await listUsers('member00', 2, 5)).toMatchObject({ total: 10, page: 2, pages: 2 });
		expect(await names('nobody')).toEqual([]);
		expect(await listUsers('nobody', 1, 50)).toMatchObject({ total: 0, pages: 1 });
	});
});
