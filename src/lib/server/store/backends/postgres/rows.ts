import type { AnyCollection, Row } from '../../collection';
import { columnName, type ColumnType } from '../../table-mapping';

/** Safe to put in SQL as is: our own snake_case names, never anything a person typed. */
function identifier(name: string): string {
	if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain SQL name: ${name}`);
	return name;
}

export interface Column {
	field: string;
	column: string;
	type: ColumnType;
}

/** How one collection's records become rows and back. */
export class RowMapping {
	readonly table: string;
	readonly columns: Column[];
	readonly #byField: Map<string, Column>;

	constructor(readonly collection: AnyCollection) {
		this.table = identifier(columnName(collection.name));
		this.columns = Object.entries(collection.table.columns).map(([field, type]) => ({
			field,
			column: identifier(columnName(field)),
			type
		}));
		this.#byField = new Map(this.columns.map((column) => [column.field, column]));
	}

	column(field: string): string {
		const column = this.#byField.get(field);
		if (!column) throw new Error(`${this.collection.name} has no field ${field}`);
		return column.column;
	}

	/** Parameters in column order: jsonb as objects (the driver encodes them), the rest as is. */
	toParameters(record: Row): unknown[] {
		const values = record as unknown as Record<string, unknown>;
		return this.columns.map(({ field }) => values[field] ?? null);
	}

	/** A record from a row (with its columns possibly prefixed, as in a join). */
	fromRow(row: Record<string, unknown>, prefix = ''): Row {
		const record: Record<string, unknown> = {};
		for (const { field, column, type } of this.columns) {
			const value = row[prefix + column];
			record[field] = convert(value, type);
		}
		return record as unknown as Row;
	}
}

function convert(value: unknown, type: ColumnType): unknown {
	if (value === null || value === undefined) return null;
	switch (type) {
		case 'timestamptz':
			return (value instanceof Date ? value : new Date(String(value))).toISOString();
		case 'bigint':
		case 'integer':
			return Number(value);
		case 'jsonb':
			return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
		default:
			return value;
	}
}
