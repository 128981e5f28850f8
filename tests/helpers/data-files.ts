import fs from 'node:fs/promises';
import path from 'node:path';
import type { UserRecord } from '../../src/lib/server/store';

/** A data file's text, '' when it does not exist (yet). */
export const readText = (dataDir: string, name: string): Promise<string> =>
	fs.readFile(path.join(dataDir, name), 'utf8').catch(() => '');

/** users.json as the server wrote it. */
export async function readUsers(dataDir: string): Promise<UserRecord[]> {
	return (JSON.parse(await readText(dataDir, 'users.json')) as { users: UserRecord[] }).users;
}

export async function userNamed(
	dataDir: string,
	username: string
): Promise<UserRecord | undefined> {
	return (await readUsers(dataDir)).find((user) => user.username === username);
}

/** Everything a request or a command could change on disk, to compare before and after. */
export const dataFiles = (dataDir: string): Promise<string[]> =>
	Promise.all(
		['users.json', 'sessions.json', 'limits.json', 'audit.log'].map((name) =>
			readText(dataDir, name)
		)
	);
