import { sessions, users, type SessionRecord, type UserRecord } from '../../records';
import type { SessionWithUser } from '../../store';
import type { RowMapping } from './rows';
import type { Run } from './sql-collection';

interface Waiting {
	resolve: (found: SessionWithUser | null) => void;
	reject: (error: unknown) => void;
}

/**
 * The session look-up every request makes, by its indexed id, with its user. Requests that
 * arrive in the same turn of the event loop share one query (`where s.id = any($1)`): alone, a
 * request still makes its own query at once; under load, one round trip answers many, which
 * spares the database and this process most of the cost of a query per page.
 */
export class SessionLookups {
	readonly #query: string;
	#waiting: Map<string, Waiting[]> | null = null;

	readonly #sessions: RowMapping;
	readonly #users: RowMapping;

	constructor(
		private readonly run: Run,
		mapping: (name: typeof sessions | typeof users) => RowMapping
	) {
		this.#sessions = mapping(sessions);
		this.#users = mapping(users);
		const select = (table: RowMapping, alias: string) =>
			table.columns.map(({ column }) => `${alias}.${column} as ${alias}_${column}`).join(', ');
		this.#query = `select ${select(this.#sessions, 's')}, ${select(this.#users, 'u')}
			from sessions s join users u on u.id = s.user_id where s.id = any($1::text[])`;
	}

	find(id: string): Promise<SessionWithUser | null> {
		return new Promise((resolve, reject) => {
			if (!this.#waiting) {
				this.#waiting = new Map();
				// After this turn's other requests have asked too.
				setImmediate(() => void this.#answer());
			}
			const list = this.#waiting.get(id) ?? [];
			list.push({ resolve, reject });
			this.#waiting.set(id, list);
		});
	}

	async #answer(): Promise<void> {
		const waiting = this.#waiting ?? new Map<string, Waiting[]>();
		this.#waiting = null;
		try {
			const rows = await this.run(this.#query, [[...waiting.keys()]]);
			const found = new Map<string, SessionWithUser>();
			for (const row of rows) {
				const session = this.#sessions.fromRow(row, 's_') as SessionRecord;
				const user = this.#users.fromRow(row, 'u_') as UserRecord;
				found.set(session.id, { session, user });
			}
			for (const [id, list] of waiting)
				for (const { resolve } of list) resolve(found.get(id) ?? null);
		} catch (error) {
			for (const list of waiting.values()) for (const { reject } of list) reject(error);
		}
	}
}
