import postgres, { type Sql, type TransactionSql } from 'postgres';
import type {
	AnyCollection,
	Collection,
	CollectionReader,
	CollectionWriter,
	Row,
	TextField,
	Transaction,
	UpdateOptions
} from '../../collection';
import type { Migration } from '../../migration';
import type { SessionRecord } from '../../records';
import type { AuditEntry, AuditTrail, SessionWithUser, Store } from '../../store';
import { StoreWriteError } from '../../errors';
import { CORE_MIGRATIONS } from './core-migrations';
import { isRetryable, translate, withoutPassword } from './errors';
import { migrate } from './migrate';
import { RowMapping } from './rows';
import { SessionLookups } from './session-lookups';
import { SqlCollection, type Rows, type Run } from './sql-collection';

/** Conflicting changes are run again, a few times, with a growing random pause. */
const MAX_ATTEMPTS = 12;
/**
 * Session activity is written in one statement at most this long after the first read that
 * needs it: far below any idle timeout, so no other instance sees a session as idle that is not.
 */
const ACTIVITY_DELAY_MS = 1_000;

/**
 * Runs one statement on a connection or in a transaction, with our errors for the database's
 * (a conflict, 40001/40P01, passes through unchanged, so `update` can retry it).
 */
function runner(sql: Sql | TransactionSql): Run {
	return (text, parameters) =>
		sql.unsafe(text, parameters as never[]).catch((error: unknown) => {
			throw translate(error);
		}) as Promise<Rows>;
}

export class StoreOpenError extends Error {
	override name = 'StoreOpenError';
}

/**
 * The PostgreSQL backend, for several instances on one database. Every change is one
 * SERIALIZABLE transaction (retried when it conflicts), so the checks the domain code makes
 * (the first admin, the last admin, credential versions, limits) hold across instances exactly
 * as they do in one process. Nothing is cached: a session ended anywhere is refused everywhere
 * on its next request. Only session activity is batched.
 */
export class PostgresStore implements Store {
	readonly backend = 'postgres';
	readonly location: string;
	readonly audit: AuditTrail;
	readonly #sql: Sql;
	readonly #mappings: Map<string, RowMapping>;
	readonly #run: Run;
	readonly #sessionLookups: SessionLookups;
	readonly #activity = new Map<string, { lastActiveAt: string; expiresAt: string }>();
	#activityTimer: NodeJS.Timeout | null = null;

	private constructor(sql: Sql, url: string, collections: readonly AnyCollection[]) {
		this.#sql = sql;
		this.location = withoutPassword(url);
		this.#mappings = new Map(collections.map((c) => [c.name, new RowMapping(c)]));
		this.#run = runner(sql);
		this.audit = new AuditTable(this.#run);
		this.#sessionLookups = new SessionLookups(this.#run, (collection) => this.#mapping(collection));
	}

	/**
	 * Connects and brings the schema up to date. A database that cannot be reached or used stops
	 * here, with a message that names the database but never its password.
	 */
	static async open(
		url: string,
		collections: readonly AnyCollection[],
		migrations: readonly Migration[]
	): Promise<PostgresStore> {
		const sql = postgres(url, {
			max: Number(process.env.GATEHOUSE_PG_POOL ?? 10),
			connect_timeout: 10,
			idle_timeout: 60,
			// Reconnect attempts after failures wait at most a second (the driver's own default
			// grows to 20 s): back within a second of the database, and a quick 503 meanwhile.
			backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
			onnotice: () => {},
			connection: { application_name: 'gatehouse' }
		});
		try {
			await migrate(sql, [...CORE_MIGRATIONS, ...migrations]);
		} catch (error) {
			await sql.end({ timeout: 1 }).catch(() => {});
			const reason = (error as { code?: string; message?: string }).message ?? String(error);
			throw new StoreOpenError(
				`Cannot use the database ${withoutPassword(url)}: ${reason.replaceAll(url, withoutPassword(url))}`
			);
		}
		return new PostgresStore(sql, url, collections);
	}

	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionReader<R, U, I> {
		return new SqlCollection(this.#run, this.#mapping(collection)) as unknown as CollectionReader<
			R,
			U,
			I
		>;
	}

	async update<T>(
		change: (tx: Transaction) => Promise<T>,
		{ isolation = 'serializable' }: UpdateOptions = {}
	): Promise<T> {
		const level = isolation === 'serializable' ? 'serializable' : 'read committed';
		for (let attempt = 1; ; attempt++) {
			try {
				return (await this.#sql.begin(`isolation level ${level}`, (sql) => {
					const run = runner(sql);
					return change(new SqlTransaction(run, (collection) => this.#mapping(collection)));
				})) as T;
			} catch (error) {
				if (!isRetryable(error)) throw translate(error);
				if (attempt >= MAX_ATTEMPTS) {
					throw new StoreWriteError(
						`A change kept conflicting with others (${MAX_ATTEMPTS} attempts)`,
						{ cause: error }
					);
				}
				const pause = Math.random() * Math.min(200, 2 ** attempt);
				await new Promise((resolve) => setTimeout(resolve, pause));
			}
		}
	}

	findSession(id: string): Promise<SessionWithUser | null> {
		return this.#sessionLookups.find(id);
	}

	recordActivity(session: SessionRecord): void {
		this.#activity.set(session.id, {
			lastActiveAt: session.lastActiveAt,
			expiresAt: session.expiresAt
		});
		if (this.#activityTimer) return;
		this.#activityTimer = setTimeout(() => void this.#writeActivity(), ACTIVITY_DELAY_MS);
		this.#activityTimer.unref();
	}

	async close(): Promise<void> {
		if (this.#activityTimer) clearTimeout(this.#activityTimer);
		await this.#writeActivity();
		await this.#sql.end({ timeout: 5 });
	}

	/**
	 * One statement for every session read since the last time. Only ever moves times forward,
	 * and touches only sessions that still exist: a session ended meanwhile stays ended.
	 */
	async #writeActivity(): Promise<void> {
		this.#activityTimer = null;
		if (this.#activity.size === 0) return;
		const batch = [...this.#activity];
		this.#activity.clear();
		try {
			await this.#run(
				`update sessions as s
				 set last_active_at = greatest(s.last_active_at, v.last_active_at),
				     expires_at = greatest(s.expires_at, v.expires_at)
				 from unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) as v(id, last_active_at, expires_at)
				 where s.id = v.id`,
				[
					batch.map(([id]) => id),
					batch.map(([, times]) => times.lastActiveAt),
					batch.map(([, times]) => times.expiresAt)
				]
			);
		} catch (error) {
			// Activity only: keep it for the next try, unless newer activity came meanwhile.
			for (const [id, times] of batch) {
				if (!this.#activity.has(id)) this.recordActivity({ id, ...times } as SessionRecord);
			}
			console.error(`Could not record session activity: ${(error as Error).message}`);
		}
	}

	#mapping(collection: AnyCollection): RowMapping {
		const mapping = this.#mappings.get(collection.name);
		if (!mapping) throw new Error(`The store has no collection ${collection.name}`);
		return mapping;
	}
}

class SqlTransaction implements Transaction {
	constructor(
		private readonly run: Run,
		private readonly mapping: (collection: AnyCollection) => RowMapping
	) {}

	of<R extends Row, U extends TextField<R>, I extends TextField<R>>(
		collection: Collection<R, U, I>
	): CollectionWriter<R, U, I> {
		return new SqlCollection(this.run, this.mapping(collection)) as unknown as CollectionWriter<
			R,
			U,
			I
		>;
	}
}

/** The audit trail as a table, newest first by its sequence number. */
class AuditTable implements AuditTrail {
	constructor(private readonly run: Run) {}

	async append(entry: AuditEntry): Promise<void> {
		try {
			await this.run(
				'insert into audit (time, actor, action, target, ip, detail) values ($1, $2, $3, $4, $5, $6)',
				[entry.time, entry.actor, entry.action, entry.target, entry.ip, entry.detail ?? null]
			);
		} catch (error) {
			// The audit trail must not take sign-in down with it; the log still records the loss.
			console.error('Could not append to the audit trail:', (error as Error).message);
		}
	}

	async page(offset: number, limit: number): Promise<{ entries: AuditEntry[]; more: boolean }> {
		const rows = await this.run(
			'select time, actor, action, target, ip, detail from audit order by seq desc offset $1 limit $2',
			[offset, limit + 1]
		);
		const entries = rows.slice(0, limit).map((row) => ({
			time: (row.time as Date).toISOString(),
			actor: row.actor as string,
			action: row.action as string,
			target: (row.target as string | null) ?? null,
			ip: (row.ip as string | null) ?? null,
			...(row.detail ? { detail: row.detail as string } : {})
		}));
		return { entries, more: rows.length > limit };
	}
}
