import type {
	AnyCollection,
	Collection,
	CollectionReader,
	CollectionWriter,
	Page,
	PageQuery,
	Row,
	TextField,
	Transaction
} from '../../collection';
import { DuplicateKeyError } from '../../errors';
import { journalLine } from './journal';
import type { Table } from './table';

/** Reads one table; the JSON backend answers at once, so each promise is already settled. */
export class TableReader implements CollectionReader<Row, string, string> {
	constructor(protected readonly table: Table) {}

	async get(id: string): Promise<Row | undefined> {
		return this.table.get(id);
	}

	async getBy(field: string, value: string): Promise<Row | undefined> {
		return this.table.getBy(field, value);
	}

	async listBy(field: string, value: string): Promise<Row[]> {
		return this.table.listBy(field, value);
	}

	async countBy(field: string, value: string): Promise<number> {
		return this.table.countBy(field, value);
	}

	async count(): Promise<number> {
		return this.table.size;
	}

	async isEmpty(): Promise<boolean> {
		return this.table.size === 0;
	}

	async page(query: PageQuery<string>): Promise<Page<Row>> {
		return this.table.page(query);
	}
}

export function tableOf(tables: ReadonlyMap<string, Table>, collection: AnyCollection): Table {
	const table = tables.get(collection.name);
	if (!table) throw new Error(`The store has no collection ${collection.name}`);
	return table;
}

/** What one change did to one record, so it can be undone. */
export interface Undo {
	table: Table;
	id: string;
	previous: Row | undefined;
}

/**
 * A change in progress: it changes the tables at once (a JSON change runs without interruption,
 * under the store's lock) and keeps what it replaced, so it can be undone, and the operations,
 * for its journal line.
 */
export class JsonTransaction implements Transaction {
	readonly undos: Undo[] = [];
	readonly #operations: string[] = [];
	/** Set once the change is appended to the journal. */
	sequence = 0;

	constructor(private readonly tables: ReadonlyMap<string, Table>) {}

	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionWriter<R, U, I> {
		return new TableWriter(tableOf(this.tables, collection), this) as unknown as CollectionWriter<
			R,
			U,
			I
		>;
	}

	get empty(): boolean {
		return this.#operations.length === 0;
	}

	/** The names of the collections this change wrote. */
	get collections(): Set<string> {
		return new Set(this.undos.map((undo) => undo.table.collection.name));
	}

	/** The journal line for this change. */
	line(): string {
		return journalLine(`[${this.#operations.join(',')}]`);
	}

	put(table: Table, record: Row): void {
		const previous = table.put(record);
		this.undos.push({ table, id: record.id, previous });
		this.#operations.push(JSON.stringify(['put', table.collection.name, record]));
	}

	delete(table: Table, id: string): boolean {
		const previous = table.delete(id);
		if (!previous) return false;
		this.undos.push({ table, id, previous });
		this.#operations.push(JSON.stringify(['del', table.collection.name, id]));
		return true;
	}

	/** Puts every table back as it was before this change, newest step first. */
	undo(): void {
		for (const { table, id, previous } of this.undos.reverse()) {
			if (previous) table.put(previous);
			else table.delete(id);
		}
		this.undos.length = 0;
		this.#operations.length = 0;
	}
}

class TableWriter extends TableReader implements CollectionWriter<Row, string, string> {
	constructor(
		table: Table,
		private readonly tx: JsonTransaction
	) {
		super(table);
	}

	async insert(record: Row): Promise<void> {
		if (this.table.get(record.id)) {
			throw new DuplicateKeyError(`${this.table.collection.name}: id ${record.id} exists`);
		}
		this.tx.put(this.table, record);
	}

	async replace(record: Row): Promise<void> {
		if (!this.table.get(record.id)) {
			throw new Error(`${this.table.collection.name}: no record ${record.id} to replace`);
		}
		this.tx.put(this.table, record);
	}

	async remove(id: string): Promise<boolean> {
		return this.tx.delete(this.table, id);
	}

	async removeBy(field: string, value: string): Promise<number> {
		const ids = this.table.listBy(field, value).map((record) => record.id);
		for (const id of ids) this.tx.delete(this.table, id);
		return ids.length;
	}

	/** Changes here already run one at a time: the record is simply read, or created. */
	async lock(id: string, initial: Row): Promise<Row> {
		const existing = this.table.get(id);
		if (existing) return existing;
		this.tx.put(this.table, initial);
		return initial;
	}

	async removeExpired(now: Date): Promise<number> {
		const ids = this.table.expiredIds(now.toISOString());
		for (const id of ids) this.tx.delete(this.table, id);
		return ids.length;
	}
}
