import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password';
import { DuplicateKeyError, store, users, type Role, type UserRecord } from '../store';

/** A user as the rest of the app sees it: never the password hash or a reset secret. */
export type User = Omit<UserRecord, 'passwordHash' | 'passwordReset' | 'credentialVersion'>;

export class UsernameTakenError extends Error {
	override name = 'UsernameTakenError';
	constructor() {
		super('That username is already taken.');
	}
}

export function toUser(record: UserRecord): User {
	const { id, username, role, createdAt, fullName, bio, age } = record;
	return { id, username, role, createdAt, fullName, bio, age };
}

export function findUserByUsername(username: string): Promise<UserRecord | undefined> {
	return store().of(users).getBy('username', username);
}

export function getUser(id: string): Promise<UserRecord | undefined> {
	return store().of(users).get(id);
}

/** True when nobody has signed up yet: the next account becomes the admin. */
export async function hasNoUsers(): Promise<boolean> {
	return store().of(users).isEmpty();
}

/**
 * `username` must already be normalised by `validateUsername`. Without a `role`, the first
 * account of an empty store becomes `admin` and every later one `user`, decided inside the
 * change that adds it, so two first signups at once make exactly one admin.
 */
export async function createUser(username: string, password: string, role?: Role): Promise<User> {
	// Refuse early so a taken name costs no hashing; the change checks again.
	if (await findUserByUsername(username)) throw new UsernameTakenError();
	const passwordHash = await hashPassword(password);
	const id = randomUUID();
	try {
		const record = await store().update(async (tx) => {
			// No look-up of the name here: the unique username refuses a taken one on insert
			// (DuplicateKeyError, below). With PostgreSQL such a read would lock the index page
			// of the name, and concurrent signups of similar names would fail serialisation.
			const table = tx.of(users);
			const created: UserRecord = {
				id,
				username,
				passwordHash,
				role: role ?? ((await table.isEmpty()) ? 'admin' : 'user'),
				createdAt: new Date().toISOString(),
				fullName: '',
				bio: '',
				age: null,
				passwordReset: null,
				credentialVersion: 0
			};
			await table.insert(created);
			return created;
		});
		return toUser(record);
	} catch (error) {
		if (error instanceof DuplicateKeyError) throw new UsernameTakenError();
		throw error;
	}
}

export interface UserPage {
	users: UserRecord[];
	total: number;
	page: number;
	pages: number;
}

/** Users whose name contains `search`, newest first, one page at a time. */
export async function listUsers(search: string, page: number, perPage: number): Promise<UserPage> {
	const text = search.trim().normalize('NFKC').toLowerCase();
	const wanted = Number.isFinite(page) ? Math.max(1, Math.trunc(page)) : 1;
	const query = (current: number) =>
		store()
			.of(users)
			.page({
				contains: text === '' ? undefined : { field: 'username', text },
				offset: (current - 1) * perPage,
				limit: perPage
			});
	let result = await query(wanted);
	const pages = Math.max(1, Math.ceil(result.total / perPage));
	// A page past the end (an old link) shows the last page instead.
	if (wanted > pages) result = await query(pages);
	return { users: result.records, total: result.total, page: Math.min(wanted, pages), pages };
}
