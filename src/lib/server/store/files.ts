import { parseCollection, type CollectionOptions } from './collection';
import {
	parseChatRecord,
	parseLimitRecord,
	parseSessionRecord,
	parseUserRecord,
	type ChatRecord,
	type LimitRecord,
	type SessionRecord,
	type UserRecord
} from './schema';

type FileSpec<R> = Omit<CollectionOptions<R>, 'filePath'> & { fileName: string };

/** The data files of a data directory. The store, backups and restores all read them from here. */
export const USERS_FILE: FileSpec<UserRecord> = {
	fileName: 'users.json',
	key: 'users',
	parseRecord: parseUserRecord,
	uniqueKey: (user) => user.username
};

export const SESSIONS_FILE: FileSpec<SessionRecord> = {
	fileName: 'sessions.json',
	key: 'sessions',
	parseRecord: parseSessionRecord
};

/** Rate-limit counters, kept so that a restart does not reset them. */
export const LIMITS_FILE: FileSpec<LimitRecord> = {
	fileName: 'limits.json',
	key: 'limits',
	parseRecord: parseLimitRecord
};

/** Conversations of the chat tool. */
export const CHATS_FILE: FileSpec<ChatRecord> = {
	fileName: 'chats.json',
	key: 'chats',
	parseRecord: parseChatRecord
};

type Fail = (problem: string) => never;

interface DataFile {
	fileName: string;
	key: string;
	/** Throws (through `fail`) unless `value` is a valid whole file. */
	check: (value: unknown, fail: Fail) => void;
}

export const DATA_FILES: readonly DataFile[] = [
	{ ...USERS_FILE, check: (value, fail) => void parseCollection(USERS_FILE, value, fail) },
	{ ...SESSIONS_FILE, check: (value, fail) => void parseCollection(SESSIONS_FILE, value, fail) },
	{ ...CHATS_FILE, check: (value, fail) => void parseCollection(CHATS_FILE, value, fail) }
];
