import type { ColumnType, TableMapping } from './table-mapping';

export type Fail = (problem: string) => never;

export interface Row {
	id: string;
}

/** The fields of R that hold text: only those can be keys or look-ups. */
export type TextField<R> = { [K in keyof R]-?: R[K] extends string ? K : never }[keyof R] & string;

/**
 * One kind of record the app keeps, described once for every backend: its JSON file, how a record
 * read from disk is checked, its unique keys and look-ups, when it may be swept, and its table.
 * Core collections live in `records.ts`; a tool defines its own beside its code.
 */
export interface Collection<
	R extends Row,
	U extends TextField<R> = never,
	I extends TextField<R> = never
> {
	/** The JSON file's top-level key, the journal's name for it, and the SQL table. */
	name: string;
	fileName: string;
	parse: (value: unknown, fail: Fail) => R;
	/** Fields no two records may share, e.g. the normalised username. */
	unique: readonly U[];
	/** Fields many records share and are looked up by, e.g. the user of a session. */
	indexes: readonly I[];
	/** A field with an ISO time after which the record is of no use (`removeExpired`). */
	expires?: TextField<R>;
	/** How the PostgreSQL backend stores each field. */
	table: TableMapping<R>;
}

/** Any collection, as the backends handle them: by name, without the record's type. */
export interface AnyCollection {
	name: string;
	fileName: string;
	parse: (value: unknown, fail: Fail) => Row;
	unique: readonly string[];
	indexes: readonly string[];
	expires?: string;
	table: { columns: Record<string, ColumnType>; newest: string };
}

export interface Page<R> {
	records: R[];
	total: number;
}

export interface PageQuery<U extends string> {
	/** Only records whose unique field contains this text. */
	contains?: { field: U; text: string };
	offset: number;
	limit: number;
}

export interface CollectionReader<R extends Row, U extends string, I extends string> {
	get(id: string): Promise<R | undefined>;
	getBy(field: U, value: string): Promise<R | undefined>;
	listBy(field: I, value: string): Promise<R[]>;
	countBy(field: I, value: string): Promise<number>;
	count(): Promise<number>;
	/**
	 * Whether there is no record at all. Cheaper than `count() === 0` to ask in a change: it
	 * reads one record, so (in PostgreSQL) it conflicts only with changes to an empty collection.
	 */
	isEmpty(): Promise<boolean>;
	/**
	 * Newest first: by `table.newest` in PostgreSQL; the JSON backend keeps records in the order
	 * they were added, which for records stamped when added (users by `createdAt`) is the same.
	 */
	page(query: PageQuery<U>): Promise<Page<R>>;
}

export interface CollectionWriter<
	R extends Row,
	U extends string,
	I extends string
> extends CollectionReader<R, U, I> {
	/** Throws DuplicateKeyError when the id or a unique field's value is taken. */
	insert(record: R): Promise<void>;
	/** Replaces the record with the same id, which must exist. */
	replace(record: R): Promise<void>;
	remove(id: string): Promise<boolean>;
	/** Removes every record with this value; returns how many. */
	removeBy(field: I, value: string): Promise<number>;
	/** Removes records whose `expires` time is not after `now`; returns how many. */
	removeExpired(now: Date): Promise<number>;
	/**
	 * The record, created as `initial` if there is none, held for the rest of this change: a
	 * concurrent change that locks it waits until this one ends. For counters many requests
	 * change at once (rate limits), with `update(..., { isolation: 'read-committed' })`.
	 */
	lock(id: string, initial: R): Promise<R>;
}

/**
 * What a change sees: every collection, for reading and writing, as one unit. A backend may run
 * the change more than once (PostgreSQL retries a serialization conflict), so a change does
 * nothing but read and write through `tx`.
 */
export interface UpdateOptions {
	/**
	 * 'serializable' (the default): the change runs as if alone, whatever it reads; PostgreSQL
	 * runs a conflicting change again. 'read-committed': for a change whose every decision rests
	 * on records it `lock`s: other changes wait for those records instead of running again,
	 * which keeps a hot counter (all logins from one address) from piling up retries. The JSON
	 * backend runs every change alone either way.
	 */
	isolation?: 'serializable' | 'read-committed';
}

/** What can be read from: the store itself, or a change in progress (which sees its own writes). */
export interface Readable {
	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionReader<R, U, I>;
}

export interface Transaction {
	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionWriter<R, U, I>;
}
