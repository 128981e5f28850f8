import { randomUUID } from 'node:crypto';
import { hashPassword } from './password';
import { store, type Role, type UserRecord } from './store';

/** A user as the rest of the app sees it: never the password hash. */
export type User = Omit<UserRecord, 'passwordHash'>;

export class UsernameTakenError extends Error {
	override name = 'UsernameTakenError';
	constructor() {
		super('That username is already taken');
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

/** `username` must already be normalised by `validateUsername`. */
export async function createUser(
	username: string,
	password: string,
	role: Role = 'user'
): Promise<User> {
	// Refuse early so a taken name costs no hashing; checked again below.
	if (isUsernameTaken(username)) throw new UsernameTakenError();
	const passwordHash = await hashPassword(password);
	const users = store().users;
	// Check and insert with no `await` in between: of two signups for one name, only one wins.
	if (users.getByKey(username)) throw new UsernameTakenError();
	const record: UserRecord = {
		id: randomUUID(),
		username,
		passwordHash,
		role,
		createdAt: new Date().toISOString(),
		fullName: '',
		bio: '',
		age: null
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
