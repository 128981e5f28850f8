import fs from 'node:fs/promises';
import path from 'node:path';
import type {
	AnyCollection,
	Collection,
	CollectionReader,
	Row,
	TextField,
	Transaction
} from '../../collection';
import { DataFileError, DuplicateKeyError, StoreWriteError } from '../../errors';
import { sessions, users, type SessionRecord, type UserRecord } from '../../records';
import type { SessionWithUser, Store } from '../../store';
import { ensureDirectory } from '../../../config/directory';
import { AuditFile } from './audit-file';
import { isTempFileName, syncDirectory } from './durable-file';
import { journalFileName, JournalWriter, listJournals } from './journal';
import { loadState, loadStateWhileServed, type LoadedState } from './load-state';
import { lockDataDir, type DataDirLock } from './lock';
import { writeSnapshot } from './snapshot-file';
import { Table } from './table';
import { JsonTransaction, TableReader, tableOf } from './transaction';

/** Past this, the journal is folded into the files in the background. */
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;
/** A journal with anything in it is folded in at least this often, so the files stay fresh. */
const COMPACT_AFTER_MS = 10 * 60_000;
/** How often batched session activity is written. */
const HOUSEKEEPING_MS = 60_000;

/**
 * The JSON-files backend. All records live in memory (O(1) look-ups). A change runs under a lock,
 * changes memory at once, and is appended to the journal; `update` resolves once that append is
 * fsynced. If an append fails, every change not yet durable is undone and refused, so memory
 * never holds what the disk does not. The JSON files are rewritten from memory in the background
 * (compaction), never on the request path, so a change costs about its own size.
 */
export class JsonStore implements Store {
	readonly backend = 'json';
	readonly audit: AuditFile;
	readonly #dir: string;
	readonly #tables: Map<string, Table>;
	readonly #lock: DataDirLock | null;
	readonly #journal: JournalWriter | null;
	/** Changes applied in memory whose journal line is not durable yet, oldest first. */
	#pending: JsonTransaction[] = [];
	/** Collections with changes in the journal that their files do not have yet. */
	#unsnapshotted = new Set<string>();
	#queue: Promise<void> = Promise.resolve();
	#busy = false;
	/** Goes up when a failed append undoes changes, so a change running meanwhile knows. */
	#failures = 0;
	#undoWhenIdle = false;
	/** Sessions whose activity changed in memory since it was last written. */
	#activity = new Set<string>();
	#compacting: Promise<void> | null = null;
	#journalStartedAt = Date.now();
	#housekeeping: NodeJS.Timeout | null = null;

	private constructor(
		dir: string,
		tables: Map<string, Table>,
		lock: DataDirLock | null,
		nextGeneration: number | null
	) {
		this.#dir = dir;
		this.#tables = tables;
		this.#lock = lock;
		this.audit = new AuditFile(path.join(dir, 'audit.log'));
		this.#journal =
			nextGeneration === null
				? null
				: new JournalWriter(dir, nextGeneration, (error) => this.#appendFailed(error));
	}

	get location(): string {
		return this.#dir;
	}

	/**
	 * Opens the data directory for this process: takes its lock, removes temp files a crash left,
	 * reads every file strictly and replays the journal. Throws (naming the file) rather than
	 * start on bad data. A journal left by a crash is folded into the files before serving.
	 */
	static async open(dir: string, collections: readonly AnyCollection[]): Promise<JsonStore> {
		ensureDirectory(dir, 'DATA_DIR');
		const lock = await lockDataDir(dir);
		try {
			for (const name of await fs.readdir(dir)) {
				if (isTempFileName(name)) await fs.rm(path.join(dir, name), { force: true });
			}
			const state = await loadState(dir, collections);
			const last = state.generations[state.generations.length - 1] ?? 0;
			const store = new JsonStore(dir, buildTables(dir, collections, state), lock, last + 1);
			const stale = new Set([...state.missing, ...state.journaled]);
			await store.#writeFiles(stale, (table) => [...table.byId.values()]);
			await store.#removeJournals(last);
			store.#housekeeping = setInterval(() => void store.#tidy(), HOUSEKEEPING_MS);
			store.#housekeeping.unref();
			return store;
		} catch (error) {
			await lock.release();
			throw error;
		}
	}

	/**
	 * A consistent copy of a data directory that another process may be serving, for reading
	 * only (backups, `users list`). It takes no lock and cannot change anything.
	 */
	static async openReadOnly(
		dir: string,
		collections: readonly AnyCollection[]
	): Promise<JsonStore> {
		await fs.access(dir);
		const state = await loadStateWhileServed(dir, collections);
		return new JsonStore(dir, buildTables(dir, collections, state), null, null);
	}

	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionReader<R, U, I> {
		return new TableReader(tableOf(this.#tables, collection)) as unknown as CollectionReader<
			R,
			U,
			I
		>;
	}

	/** Every record of a collection, in file order (for backups). */
	records(collection: AnyCollection): Row[] {
		return [...tableOf(this.#tables, collection).byId.values()];
	}

	/** Every change runs alone here, so both isolation levels (`UpdateOptions`) are the same. */
	async update<T>(change: (tx: Transaction) => Promise<T>): Promise<T> {
		const journal = this.#journal;
		if (!journal) throw new Error(`${this.#dir} is open for reading only`);
		const release = await this.#turn();
		const failuresBefore = this.#failures;
		const tx = new JsonTransaction(this.#tables);
		let result: T;
		try {
			this.#busy = true;
			result = await change(tx);
			// Only a change that awaited something outside the store can be overtaken by a failure.
			if (this.#failures !== failuresBefore) {
				throw new StoreWriteError('A failed write undid what this change was built on');
			}
		} catch (error) {
			tx.undo();
			throw error;
		} finally {
			this.#busy = false;
			if (this.#undoWhenIdle) this.#undoPending();
			release();
		}
		if (tx.empty) return result;
		this.#pending.push(tx);
		for (const name of tx.collections) this.#unsnapshotted.add(name);
		const { sequence, durable } = journal.append(tx.line());
		tx.sequence = sequence;
		try {
			await durable;
		} catch (cause) {
			throw new StoreWriteError(`Could not save a change in ${this.#dir}: ${errorText(cause)}`, {
				cause
			});
		}
		this.#forgetDurable();
		if (journal.size > COMPACT_AFTER_BYTES) this.compact().catch(logCompactionFailure);
		return result;
	}

	async findSession(id: string): Promise<SessionWithUser | null> {
		const session = this.#tables.get(sessions.name)?.get(id) as SessionRecord | undefined;
		if (!session) return null;
		const user = this.#tables.get(users.name)?.get(session.userId) as UserRecord | undefined;
		return user ? { session, user } : null;
	}

	recordActivity(session: SessionRecord): void {
		const table = tableOf(this.#tables, sessions);
		const current = table.get(session.id) as SessionRecord | undefined;
		// Only the activity fields: the record may have changed since it was read.
		if (!current || current.lastActiveAt >= session.lastActiveAt) return;
		const refreshed: SessionRecord = {
			...current,
			lastActiveAt: session.lastActiveAt,
			expiresAt: session.expiresAt
		};
		table.put(refreshed);
		this.#activity.add(session.id);
	}

	/**
	 * Folds the journal into the files: appends move to a new journal file; the files are
	 * written as of that moment (durable changes only); then the older journal files go. If
	 * writing fails the journal stays, still holding what the files lack, and this runs again later.
	 */
	compact(): Promise<void> {
		this.#compacting ??= this.#compactNow().finally(() => {
			this.#compacting = null;
		});
		return this.#compacting;
	}

	async close(): Promise<void> {
		if (this.#housekeeping) clearInterval(this.#housekeeping);
		if (this.#journal) {
			await this.#writeActivity().catch(() => {});
			await this.#journal.settle();
			await this.compact().catch(logCompactionFailure);
			await this.#journal.close();
		}
		await this.audit.close();
		await this.#lock?.release();
	}

	/** Runs changes one at a time: a check and the change it guards are never interleaved. */
	async #turn(): Promise<() => void> {
		let release!: () => void;
		const mine = new Promise<void>((resolve) => (release = resolve));
		const before = this.#queue;
		this.#queue = before.then(() => mine);
		await before;
		return release;
	}

	/** The journal could not take a write: nothing that is not durable may stay in memory. */
	#appendFailed(error: Error): void {
		console.error(`Could not append to the journal in ${this.#dir}: ${error.message}`);
		this.#failures++;
		if (this.#busy) this.#undoWhenIdle = true;
		else this.#undoPending();
	}

	#undoPending(): void {
		this.#undoWhenIdle = false;
		for (const tx of this.#pending.reverse()) tx.undo();
		this.#pending = [];
	}

	#forgetDurable(): void {
		const durable = this.#journal?.durableSequence ?? 0;
		let count = 0;
		while (count < this.#pending.length && (this.#pending[count]?.sequence ?? 0) <= durable)
			count++;
		if (count > 0) this.#pending.splice(0, count);
	}

	async #tidy(): Promise<void> {
		try {
			await this.#writeActivity();
			const size = this.#journal?.size ?? 0;
			if (size > 0 && Date.now() - this.#journalStartedAt > COMPACT_AFTER_MS) await this.compact();
		} catch (error) {
			console.error(`Housekeeping of ${this.#dir} failed: ${errorText(error)}`);
		}
	}

	/** Writes batched activity as one change. Lost in a crash at worst: it is only activity. */
	async #writeActivity(): Promise<void> {
		if (this.#activity.size === 0) return;
		const ids = [...this.#activity];
		this.#activity.clear();
		try {
			await this.update(async (tx) => {
				const writer = tx.of(sessions);
				for (const id of ids) {
					const session = await writer.get(id);
					if (session) await writer.replace(session);
				}
			});
		} catch (error) {
			for (const id of ids) this.#activity.add(id);
			throw error;
		}
	}

	async #compactNow(): Promise<void> {
		const journal = this.#journal;
		if (!journal) return;
		let stale = new Set<string>();
		let durableRecords = new Map<string, Row[]>();
		const finished = await journal.switchGeneration(() => {
			// From here on appends go to the next file; what is pending goes there too.
			const pending = this.#pending.filter((tx) => tx.sequence > journal.durableSequence);
			stale = this.#unsnapshotted;
			this.#unsnapshotted = new Set(pending.flatMap((tx) => [...tx.collections]));
			durableRecords = durableState(this.#tables, stale, pending);
			this.#journalStartedAt = Date.now();
		});
		try {
			await this.#writeFiles(stale, (table) => durableRecords.get(table.collection.name) ?? []);
			await this.#removeJournals(finished);
		} catch (error) {
			for (const name of stale) this.#unsnapshotted.add(name);
			throw error;
		}
	}

	async #writeFiles(names: Set<string>, records: (table: Table) => Row[]): Promise<void> {
		for (const name of names) {
			const table = this.#tables.get(name);
			if (!table) continue;
			await writeSnapshot(this.#dir, table.collection, records(table));
		}
	}

	/**
	 * Deletes journal files up to `generation`, whose changes the files now hold. Oldest first:
	 * replaying the journals that remain must always end at (or after) the files' state.
	 */
	async #removeJournals(generation: number): Promise<void> {
		const done = (await listJournals(this.#dir)).filter((each) => each <= generation);
		for (const each of done) await fs.rm(path.join(this.#dir, journalFileName(each)));
		if (done.length > 0) await syncDirectory(this.#dir);
	}
}

function buildTables(
	dir: string,
	collections: readonly AnyCollection[],
	state: LoadedState
): Map<string, Table> {
	const tables = new Map<string, Table>();
	for (const collection of collections) {
		const table = new Table(collection);
		for (const row of state.records.get(collection.name)?.values() ?? []) {
			try {
				table.put(row);
			} catch (error) {
				if (!(error instanceof DuplicateKeyError)) throw error;
				const where = state.journaled.has(collection.name) ? ' (with the journal applied)' : '';
				throw new DataFileError(
					path.join(dir, collection.fileName),
					`${error.message}, so record ${row.id} cannot have it too${where}`
				);
			}
		}
		tables.set(collection.name, table);
	}
	return tables;
}

/**
 * The records of `names` as the journal has them durably: the tables, minus what the pending
 * changes did (each record as it was before the oldest pending change touched it).
 */
function durableState(
	tables: Map<string, Table>,
	names: Set<string>,
	pending: JsonTransaction[]
): Map<string, Row[]> {
	const before = new Map<Table, Map<string, Row | undefined>>();
	for (const tx of pending) {
		for (const { table, id, previous } of tx.undos) {
			let records = before.get(table);
			if (!records) before.set(table, (records = new Map()));
			if (!records.has(id)) records.set(id, previous);
		}
	}
	const result = new Map<string, Row[]>();
	for (const name of names) {
		const table = tables.get(name);
		if (!table) continue;
		const overridden = before.get(table) ?? new Map<string, Row | undefined>();
		const rows: Row[] = [];
		for (const record of table.byId.values()) {
			if (!overridden.has(record.id)) rows.push(record);
			else {
				const earlier = overridden.get(record.id);
				if (earlier) rows.push(earlier);
			}
		}
		for (const [id, earlier] of overridden) {
			if (earlier && !table.byId.has(id)) rows.push(earlier);
		}
		result.set(name, rows);
	}
	return result;
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function logCompactionFailure(error: unknown): void {
	console.error(`Could not fold the journal into the data files: ${errorText(error)}`);
}
