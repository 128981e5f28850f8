import fs from 'node:fs/promises';
import path from 'node:path';
import { JsonStore } from '../../src/lib/server/store/backends/json/json-store';
import {
	limits,
	sessions,
	users,
	type LimitRecord,
	type SessionRecord,
	type UserRecord
} from '../../src/lib/server/store';
import { chats, type ChatRecord } from '../../src/lib/server/tools/chat/collection';

/** Where a server keeps its data: a running server, or a data directory. */
export type StoreLocation = { dataDir: string } | string;

const dirOf = (where: StoreLocation) => (typeof where === 'string' ? where : where.dataDir);

export interface StoredState {
	users: UserRecord[];
	sessions: SessionRecord[];
	limits: LimitRecord[];
	chats: ChatRecord[];
}

/**
 * What the store holds now, read the way the operator commands read it: a consistent copy, taken
 * while the server may be running (the files with the journal applied).
 */
export async function readStored(where: StoreLocation): Promise<StoredState> {
	const store = await JsonStore.openReadOnly(dirOf(where), [users, sessions, limits, chats]);
	return {
		users: store.records(users) as UserRecord[],
		sessions: store.records(sessions) as SessionRecord[],
		limits: store.records(limits) as LimitRecord[],
		chats: store.records(chats) as ChatRecord[]
	};
}

export const storedUsers = async (where: StoreLocation) => (await readStored(where)).users;

export const storedUser = async (where: StoreLocation, username: string) =>
	(await storedUsers(where)).find((user) => user.username === username);

export const storedSessions = async (where: StoreLocation) => (await readStored(where)).sessions;

/** The audit trail's text, '' before anything was recorded. */
export const auditText = (where: StoreLocation): Promise<string> =>
	fs.readFile(path.join(dirOf(where), 'audit.log'), 'utf8').catch(() => '');

type Part = keyof StoredState | 'audit';

/** What a request or a command could change (all of it, or the parts named), to compare. */
export async function storedFingerprint(
	where: StoreLocation,
	parts: readonly Part[] = ['users', 'sessions', 'limits', 'chats', 'audit']
): Promise<string> {
	const state = await readStored(where);
	const audit = await auditText(where);
	return JSON.stringify(parts.map((part) => (part === 'audit' ? audit : state[part])));
}

/** The text of every file the server wrote (data files, journal, audit trail), by name. */
export async function everythingWritten(where: StoreLocation): Promise<Record<string, string>> {
	const written: Record<string, string> = {};
	for (const name of await fs.readdir(dirOf(where))) {
		const file = path.join(dirOf(where), name);
		if ((await fs.stat(file)).isFile()) written[name] = await fs.readFile(file, 'utf8');
	}
	return written;
}
