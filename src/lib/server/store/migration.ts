/**
 * One step of the PostgreSQL schema, applied once, in order, and recorded by its id. The core's
 * steps live with the PostgreSQL backend; a tool brings its own for its tables.
 */
export interface Migration {
	/** Unique and stable: `<owner>-<number>-<what>`, e.g. `core-001-users-sessions-limits-audit`. */
	id: string;
	sql: string;
}
