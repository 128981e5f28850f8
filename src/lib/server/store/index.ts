import { JsonStore } from './backends/json/json-store';
import { PostgresStore } from './backends/postgres/postgres-store';
import type { Store, StoreOptions } from './store';

export type {
	AnyCollection,
	Collection,
	CollectionReader,
	CollectionWriter,
	Fail,
	Readable,
	Row,
	Transaction,
	UpdateOptions
} from './collection';
export { DataFileError, DuplicateKeyError, StoreUnavailableError, StoreWriteError } from './errors';
export { DataDirLockedError } from './backends/json/lock';
export {
	apps,
	groupMembers,
	groups,
	type AppRecord,
	type GroupMemberRecord,
	type GroupRecord
} from './records';
export {
	CORE_COLLECTIONS,
	limits,
	sessionEndings,
	sessions,
	users,
	type LimitRecord,
	type SessionEndingRecord,
	type SessionEndReason,
	type PasswordReset,
	type Role,
	type SessionRecord,
	type SessionTwoStep,
	type UserRecord
} from './records';
export {
	authenticators,
	passkeys,
	recoveryCodes,
	webauthnChallenges,
	type AuthenticatorRecord,
	type ChallengePurpose,
	type ChallengeRecord,
	type PasskeyRecord,
	type RecoveryCodesRecord
} from './factor-records';
export type { AuditEntry, AuditTrail, SessionWithUser, Store, StoreOptions } from './store';
export type { Migration } from './migration';

/** Opens the backend the options name: PostgreSQL with a database URL, else the JSON files. */
export async function openStore(options: StoreOptions): Promise<Store> {
	if (options.databaseUrl) {
		return PostgresStore.open(options.databaseUrl, options.collections, options.migrations);
	}
	return JsonStore.open(options.dataDir, options.collections);
}

/**
 * A store to read while a server may be running (`users list`, backups): for the JSON files a
 * consistent copy taken without the lock; a database serves any number of readers anyway.
 */
export async function openStoreForReading(options: StoreOptions): Promise<Store> {
	if (options.databaseUrl) return openStore(options);
	return JsonStore.openReadOnly(options.dataDir, options.collections);
}

let current: Store | null = null;

/** The store this process serves from. Opened by the server's init hook (or a test). */
export function store(): Store {
	if (!current) throw new Error('The store is not open: call useStore(await openStore(...)) first');
	return current;
}

export function useStore(opened: Store | null): void {
	current = opened;
}
