import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import postgres from 'postgres';
import { hashPassword } from '../../src/lib/server/auth/password';
import { JsonStore } from '../../src/lib/server/store/backends/json/json-store';
import { PostgresStore } from '../../src/lib/server/store/backends/postgres/postgres-store';
import {
	CORE_COLLECTIONS,
	limits,
	sessionEndings,
	sessions,
	users,
	type AuditEntry,
	type Collection,
	type Row,
	type LimitRecord,
	type SessionEndingRecord,
	type SessionRecord,
	type Store,
	type UserRecord
} from '../../src/lib/server/store';
import {
	CHAT_MIGRATIONS,
	chats,
	type ChatRecord
} from '../../src/lib/server/tools/chat/collection';
import type { StoreLocation } from './backend';

/** Where data lives: a running server, a store location, or (JSON backend) a data directory. */
export type Where = { store: StoreLocation } | StoreLocation | string;

const COLLECTIONS = [...CORE_COLLECTIONS, chats];

function locationOf(where: Where): StoreLocation {
	if (typeof where === 'string') return { dataDir: where, databaseUrl: null };
	return 'store' in where ? where.store : where;
}

/**
 * Opens what a server keeps, the way the operator commands read it: for the JSON files a
 * consistent copy taken while the server may run (the files with the journal applied); for
 * PostgreSQL the database itself.
 */
async function opened<T>(where: Where, read: (store: Store) => Promise<T>): Promise<T> {
	const location = locationOf(where);
	const store = location.databaseUrl
		? await PostgresStore.open(location.databaseUrl, COLLECTIONS, CHAT_MIGRATIONS)
		: await JsonStore.openReadOnly(location.dataDir, COLLECTIONS);
	try {
		return await read(store);
	} finally {
		await store.close();
	}
}

/** Every record, oldest first (as the JSON files list them). */
async function all<R extends Row>(
	store: Store,
	collection: Collection<R, never, never>
): Promise<R[]> {
	const page = await store.of(collection).page({ offset: 0, limit: 1_000_000_000 });
	return page.records.reverse();
}

export interface StoredState {
	users: UserRecord[];
	sessions: SessionRecord[];
	limits: LimitRecord[];
	sessionEndings: SessionEndingRecord[];
	chats: ChatRecord[];
}

/** What the store holds now. */
export function readStored(where: Where): Promise<StoredState> {
	return opened(where, async (store) => ({
		users: await all(store, users as unknown as Collection<UserRecord, never, never>),
		sessions: (await all(store, sessions as Collection<SessionRecord, never, never>)).sort(byId),
		limits: (await all(store, limits)).sort(byId),
		sessionEndings: (await all(store, sessionEndings)).sort(byId),
		chats: (await all(store, chats as Collection<ChatRecord, never, never>)).sort(byId)
	}));
}

/** Sessions and chats have no order of their own that both backends share: compare them by id. */
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

export const storedUsers = async (where: Where) => (await readStored(where)).users;

export const storedUser = async (where: Where, username: string) =>
	(await storedUsers(where)).find((user) => user.username === username);

export const storedSessions = async (where: Where) => (await readStored(where)).sessions;

/** The audit trail, one JSON object per line, oldest first; '' before anything was recorded. */
export function auditText(where: Where): Promise<string> {
	return opened(where, async (store) => {
		const { entries } = await store.audit.page(0, 1_000_000);
		return entries
			.reverse()
			.map((entry: AuditEntry) => JSON.stringify(entry) + '\n')
			.join('');
	});
}

type Part = keyof StoredState | 'audit';

/** What a request or a command could change (all of it, or the parts named), to compare. */
export async function storedFingerprint(
	where: Where,
	parts: readonly Part[] = ['users', 'sessions', 'limits', 'sessionEndings', 'chats', 'audit']
): Promise<string> {
	const state = await readStored(where);
	const audit = await auditText(where);
	return JSON.stringify(parts.map((part) => (part === 'audit' ? audit : state[part])));
}

/**
 * Everything the server wrote, by name: every file in its data directory (data files, journal,
 * audit trail, key) and, on PostgreSQL, every table's rows.
 */
export async function everythingWritten(where: Where): Promise<Record<string, string>> {
	const location = locationOf(where);
	const written: Record<string, string> = {};
	for (const name of await fs.readdir(location.dataDir)) {
		const file = path.join(location.dataDir, name);
		if ((await fs.stat(file)).isFile()) written[name] = await fs.readFile(file, 'utf8');
	}
	if (location.databaseUrl) {
		const sql = postgres(location.databaseUrl, { max: 1, onnotice: () => {} });
		try {
			const tables = await sql`select tablename from pg_tables where schemaname = 'public'`;
			for (const { tablename } of tables) {
				const rows = await sql.unsafe(`select * from ${tablename as string}`);
				written[`table ${tablename as string}`] = JSON.stringify(rows);
			}
		} finally {
			await sql.end();
		}
	}
	return written;
}

/**
 * Writes records straight into a store that no server has open yet (far quicker than signing
 * 60 people up through the form).
 */
export async function seedStore(
	where: Where,
	seed: (store: Store) => Promise<void>
): Promise<void> {
	const location = locationOf(where);
	const store = location.databaseUrl
		? await PostgresStore.open(location.databaseUrl, COLLECTIONS, CHAT_MIGRATIONS)
		: await JsonStore.open(location.dataDir, COLLECTIONS);
	try {
		await seed(store);
	} finally {
		await store.close();
	}
}

export interface UserSeed {
	username: string;
	role?: 'user' | 'admin';
	/** Without one, the account has no usable password. */
	password?: string;
}

/** Users (a second apart, oldest first) written into a store no server has open yet. */
export async function seedUsers(where: Where, seeds: UserSeed[]): Promise<UserRecord[]> {
	const epoch = Date.parse('2026-01-01T00:00:00.000Z');
	const records: UserRecord[] = await Promise.all(
		seeds.map(async (seed, index) => ({
			id: randomUUID(),
			username: seed.username,
			passwordHash: seed.password ? await hashPassword(seed.password) : 'seeded-without-password',
			role: seed.role ?? 'user',
			createdAt: new Date(epoch + index * 1000).toISOString(),
			fullName: '',
			bio: '',
			age: null,
			passwordReset: null,
			credentialVersion: 0
		}))
	);
	await seedStore(where, (store) =>
		store.update(async (tx) => {
			for (const record of records) await tx.of(users).insert(record);
		})
	);
	return records;
}
