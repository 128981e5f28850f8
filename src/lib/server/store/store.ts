import type {
	AnyCollection,
	Collection,
	CollectionReader,
	Row,
	TextField,
	Transaction,
	UpdateOptions
} from './collection';
import type { Migration } from './migration';
import type { SessionRecord, UserRecord } from './records';

export interface AuditEntry {
	time: string;
	/** Who did it: a username, `cli`, or for a failed login the name that was tried. */
	actor: string;
	action: string;
	target: string | null;
	ip: string | null;
	/** What changed, where the action alone does not say (the new role). */
	detail?: string;
}

/** The append-only trail of who did what; newest first when read. */
export interface AuditTrail {
	append(entry: AuditEntry): Promise<void>;
	page(offset: number, limit: number): Promise<{ entries: AuditEntry[]; more: boolean }>;
}

export interface SessionWithUser {
	session: SessionRecord;
	user: UserRecord;
}

/**
 * Everything the app keeps, behind one interface with two backends: JSON files (the default)
 * and PostgreSQL. Reads go through `of(collection)`; every change goes through `update`, which
 * resolves once the change is durable and otherwise rejects having changed nothing.
 */
export interface Store {
	readonly backend: 'json' | 'postgres';
	/** Where the data lives, for the log: a directory, or a database URL without its password. */
	readonly location: string;
	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionReader<R, U, I>;
	update<T>(change: (tx: Transaction) => Promise<T>, options?: UpdateOptions): Promise<T>;
	/** The session with this id and its user, in one look-up: this runs on every request. */
	findSession(id: string): Promise<SessionWithUser | null>;
	/**
	 * Records that a session was used, without waiting for (or guaranteeing) durability: pages
	 * are read far more often than activity needs to be written, so backends write it in batches.
	 */
	recordActivity(session: SessionRecord): void;
	readonly audit: AuditTrail;
	/** Writes what is pending and releases the data. */
	close(): Promise<void>;
}

export interface StoreOptions {
	/** JSON backend: the data directory. */
	dataDir: string;
	/** PostgreSQL backend, when set. */
	databaseUrl: string | null;
	/** The core collections and every installed tool's. */
	collections: readonly AnyCollection[];
	/** The installed tools' PostgreSQL schema steps (the core's are the backend's own). */
	migrations: readonly Migration[];
}
