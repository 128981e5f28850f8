import fs from 'node:fs/promises';
import path from 'node:path';
import { Collection } from './collection';
import { isTempFileName } from './durable-file';
import { lockDataDir, type DataDirLock } from './lock';
import { CHATS_FILE, LIMITS_FILE, SESSIONS_FILE, USERS_FILE } from './files';
import type { ChatRecord, LimitRecord, SessionRecord, UserRecord } from './schema';

export { DataFileError, DuplicateKeyError, StoreWriteError } from './errors';
export { DataDirLockedError } from './lock';
export type {
	ChatMessage,
	ChatRecord,
	LimitRecord,
	Role,
	SessionRecord,
	UserRecord
} from './schema';

export interface Store {
	dataDir: string;
	users: Collection<UserRecord>;
	sessions: Collection<SessionRecord>;
	limits: Collection<LimitRecord>;
	chats: Collection<ChatRecord>;
	/** Waits for pending writes, then releases the data directory. */
	close(): Promise<void>;
}

/**
 * Opens the data directory for this process: takes its lock, removes temp files a crash left
 * behind, and loads every file strictly. Throws (naming the file) rather than start on bad data.
 */
export async function openStore(dataDir: string): Promise<Store> {
	await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
	const lock = await lockDataDir(dataDir);
	try {
		await removeTempFiles(dataDir);
		const users = await Collection.open({
			...USERS_FILE,
			filePath: path.join(dataDir, USERS_FILE.fileName)
		});
		const sessions = await Collection.open({
			...SESSIONS_FILE,
			filePath: path.join(dataDir, SESSIONS_FILE.fileName)
		});
		const limits = await Collection.open({
			...LIMITS_FILE,
			filePath: path.join(dataDir, LIMITS_FILE.fileName)
		});
		const chats = await Collection.open({
			...CHATS_FILE,
			filePath: path.join(dataDir, CHATS_FILE.fileName)
		});
		return {
			dataDir,
			users,
			sessions,
			limits,
			chats,
			close: () => closeStore(lock, users, sessions, limits, chats)
		};
	} catch (error) {
		await lock.release();
		throw error;
	}
}

interface Closable {
	flush(): Promise<void>;
	settle(): Promise<void>;
}

async function closeStore(lock: DataDirLock, ...collections: Closable[]): Promise<void> {
	await Promise.allSettled(collections.map((collection) => collection.flush()));
	await Promise.all(collections.map((collection) => collection.settle()));
	await lock.release();
}

async function removeTempFiles(dataDir: string): Promise<void> {
	for (const name of await fs.readdir(dataDir)) {
		if (isTempFileName(name)) await fs.rm(path.join(dataDir, name), { force: true });
	}
}

let current: Store | null = null;

/** The store this process serves from. Opened by the server's init hook (or a test). */
export function store(): Store {
	if (!current) throw new Error('The store is not open: call useStore(await openStore(dir)) first');
	return current;
}

export function useStore(opened: Store | null): void {
	current = opened;
}
