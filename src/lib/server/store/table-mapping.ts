/** How one field is kept in PostgreSQL. Column names are the fields in snake_case. */
export type ColumnType = 'text' | 'timestamptz' | 'integer' | 'bigint' | 'boolean' | 'jsonb';

export interface TableMapping<R> {
	columns: { [K in keyof R & string]-?: ColumnType };
	/** The field that orders pages newest first. */
	newest: keyof R & string;
}

export function columnName(field: string): string {
	return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
