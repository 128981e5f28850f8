import type { CollectionWriter, Page, PageQuery, Row } from '../../collection';
import type { RowMapping } from './rows';

export type Rows = Array<Record<string, unknown>> & { count: number };
/** Runs one statement with its parameters: on the pool, or inside a transaction. */
export type Run = (text: string, parameters: unknown[]) => Promise<Rows>;

/**
 * One collection as a table: the same operations as the JSON backend, as SQL. Reads outside a
 * change run on the pool; inside a change they run in its transaction. Statements are plain
 * text built from the collection's own names (never from what a person typed); the values go as
 * parameters.
 */
export class SqlCollection implements CollectionWriter<Row, string, string> {
	readonly #columns: string;
	readonly #order: string;

	constructor(
		private readonly run: Run,
		private readonly mapping: RowMapping
	) {
		this.#columns = mapping.columns.map((column) => column.column).join(', ');
		this.#order = `${mapping.column(mapping.collection.table.newest)}, id`;
	}

	async get(id: string): Promise<Row | undefined> {
		const [row] = await this.run(
			`select ${this.#columns} from ${this.mapping.table} where id = $1`,
			[id]
		);
		return row ? this.mapping.fromRow(row) : undefined;
	}

	async getBy(field: string, value: string): Promise<Row | undefined> {
		const column = this.mapping.column(field);
		const [row] = await this.run(
			`select ${this.#columns} from ${this.mapping.table} where ${column} = $1 limit 1`,
			[value]
		);
		return row ? this.mapping.fromRow(row) : undefined;
	}

	async listBy(field: string, value: string): Promise<Row[]> {
		const rows = await this.run(
			`select ${this.#columns} from ${this.mapping.table} where ${this.mapping.column(field)} = $1 order by ${this.#order}`,
			[value]
		);
		return rows.map((row) => this.mapping.fromRow(row));
	}

	async countBy(field: string, value: string): Promise<number> {
		const [row] = await this.run(
			`select count(*)::integer as n from ${this.mapping.table} where ${this.mapping.column(field)} = $1`,
			[value]
		);
		return Number(row?.n ?? 0);
	}

	async count(): Promise<number> {
		const [row] = await this.run(`select count(*)::integer as n from ${this.mapping.table}`, []);
		return Number(row?.n ?? 0);
	}

	/**
	 * Through the primary key's index, not a plain scan: under SERIALIZABLE a sequential scan
	 * locks the whole table for reading, so every signup (which asks this to decide the first
	 * admin) conflicted with every other one inserting a user: 26 of 100 concurrent pairs failed
	 * and were retried. The index probe locks only the first index page; on an empty table that
	 * is the page every insert goes to, so two first signups still make one admin.
	 */
	async isEmpty(): Promise<boolean> {
		const rows = await this.run(`select 1 from ${this.mapping.table} order by id limit 1`, []);
		return rows.length === 0;
	}

	async page({ contains, offset, limit }: PageQuery<string>): Promise<Page<Row>> {
		const where = contains
			? `where position($1 in ${this.mapping.column(contains.field)}) > 0`
			: '';
		const filter = contains ? [contains.text] : [];
		const [total] = await this.run(
			`select count(*)::integer as n from ${this.mapping.table} ${where}`,
			filter
		);
		const n = filter.length;
		const rows = await this.run(
			`select ${this.#columns} from ${this.mapping.table} ${where}
			 order by ${this.mapping.column(this.mapping.collection.table.newest)} desc, id desc
			 offset $${n + 1} limit $${n + 2}`,
			[...filter, offset, Math.min(limit, Number.MAX_SAFE_INTEGER)]
		);
		return { records: rows.map((row) => this.mapping.fromRow(row)), total: Number(total?.n ?? 0) };
	}

	async insert(record: Row): Promise<void> {
		const placeholders = this.mapping.columns.map((_, i) => `$${i + 1}`).join(', ');
		await this.run(
			`insert into ${this.mapping.table} (${this.#columns}) values (${placeholders})`,
			this.mapping.toParameters(record)
		);
	}

	async replace(record: Row): Promise<void> {
		const assignments = this.mapping.columns
			.map((column, i) => `${column.column} = $${i + 1}`)
			.join(', ');
		const id = this.mapping.columns.findIndex((column) => column.field === 'id') + 1;
		const result = await this.run(
			`update ${this.mapping.table} set ${assignments} where id = $${id}`,
			this.mapping.toParameters(record)
		);
		if (result.count === 0) {
			throw new Error(`${this.mapping.collection.name}: no record ${record.id} to replace`);
		}
	}

	async remove(id: string): Promise<boolean> {
		const result = await this.run(`delete from ${this.mapping.table} where id = $1`, [id]);
		return result.count > 0;
	}

	async removeBy(field: string, value: string): Promise<number> {
		const result = await this.run(
			`delete from ${this.mapping.table} where ${this.mapping.column(field)} = $1`,
			[value]
		);
		return result.count;
	}

	/**
	 * One statement: inserts `initial` or, when the record exists, "updates" it to itself, which
	 * takes its row lock and returns it as it is now.
	 */
	async lock(id: string, initial: Row): Promise<Row> {
		const placeholders = this.mapping.columns.map((_, i) => `$${i + 1}`).join(', ');
		const [row] = await this.run(
			`insert into ${this.mapping.table} as t (${this.#columns}) values (${placeholders})
			 on conflict (id) do update set id = t.id returning ${this.#columns}`,
			this.mapping.toParameters(initial)
		);
		return row ? this.mapping.fromRow(row) : initial;
	}

	async removeExpired(now: Date): Promise<number> {
		const expires = this.mapping.collection.expires;
		if (!expires) return 0;
		const result = await this.run(
			`delete from ${this.mapping.table} where ${this.mapping.column(expires)} <= $1`,
			[now.toISOString()]
		);
		return result.count;
	}
}
