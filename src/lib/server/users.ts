import { randomUUID } from 'node:crypto';
import { hashPassword } from './password';
import { store, type Role, type UserRecord } from './store';

/** A user as the rest of the app sees it: never the password hash or a reset secret. */
export type User = Omit<UserRecord, 'passwordHash' | 'passwordReset'>;

export class UsernameTakenError extends Error {
	override name = 'UsernameTakenError';
	constructor() {
		super('That username is already taken');
	}
}

/** There must always be someone who can manage the others. */
export class LastAdminError extends Error {
	override name = 'LastAdminError';
	constructor() {
		super('This is the only admin: make someone else an admin first.');
	}
}

export function toUser(record: UserRecord): User {
	const { id, username, role, createdAt, fullName, bio, age } = record;
	return { id, username, role, createdAt, fullName, bio, age };
}

export function findUserByUsername(username: string): UserRecord | undefined {
	return store().users.getByKey(username);
}

export function getUser(id: string): UserRecord | undefined {
	return store().users.get(id);
}

export function isUsernameTaken(username: string): boolean {
	return store().users.getByKey(username) !== undefined;
}

/** True when nobody has signed up yet: the next account becomes the admin. */
export function hasNoUsers(): boolean {
	return store().users.size === 0;
}

export function countAdmins(): number {
	let admins = 0;
	for (const user of store().users.values()) if (user.role === 'admin') admins++;
	return admins;
}

/**
 * `username` must already be normalised by `validateUsername`. Without a `role`, the first
 * account of an empty data directory becomes `admin` and every later one `user`.
 */
export async function createUser(username: string, password: string, role?: Role): Promise<User> {
	// Refuse early so a taken name costs no hashing; checked again below.
	if (isUsernameTaken(username)) throw new UsernameTakenError();
	const passwordHash = await hashPassword(password);
	const users = store().users;
	// Check and insert with no `await` in between: of two signups for one name, only one wins,
	// and of two first signups only one becomes admin.
	if (users.getByKey(username)) throw new UsernameTakenError();
	const record: UserRecord = {
		id: randomUUID(),
		username,
		passwordHash,
		role: role ?? (users.size === 0 ? 'admin' : 'user'),
		createdAt: new Date().toISOString(),
		fullName: '',
		bio: '',
		age: null,
		passwordReset: null
	};
	users.insert(record);
	await users.save();
	return toUser(record);
}

export interface Profile {
	fullName: string;
	bio: string;
	age: number | null;
}

/** Changes only the profile fields of one user; nothing else a form might send. */
export async function updateProfile(userId: string, profile: Profile): Promise<void> {
	const users = store().users;
	const user = users.get(userId);
	if (!user) throw new Error(`No user ${userId}`);
	users.replace({ ...user, fullName: profile.fullName, bio: profile.bio, age: profile.age });
	await users.save();
}

/** Takes effect on the user's very next request: the role is read from the store each time. */
export async function setRole(userId: string, role: Role): Promise<void> {
	const users = store().users;
	const user = users.get(userId);
	if (!user) throw new Error(`No user ${userId}`);
	if (user.role === role) return;
	if (user.role === 'admin' && countAdmins() === 1) throw new LastAdminError();
	users.replace({ ...user, role });
	await users.save();
}

export interface UserPage {
	users: UserRecord[];
	total: number;
	page: number;
	pages: number;
}

/** Users whose name contains `search`, newest first, one page at a time. */
export function listUsers(search: string, page: number, perPage: number): UserPage {
	const needle = search.trim().normalize('NFKC').toLowerCase();
	const matches: UserRecord[] = [];
	for (const user of store().users.values()) {
		if (needle === '' || user.username.includes(needle)) matches.push(user);
	}
	matches.reverse();
	const pages = Math.max(1, Math.ceil(matches.length / perPage));
	const current = Number.isFinite(page) ? Math.min(Math.max(1, Math.trunc(page)), pages) : 1;
	return {
		users: matches.slice((current - 1) * perPage, current * perPage),
		total: matches.length,
		page: current,
		pages
	};
}
