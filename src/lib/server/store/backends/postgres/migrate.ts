import type { Sql } from 'postgres';
import type { Migration } from '../../migration';

/** Any constant works; this one names Gatehouse's schema changes among the database's locks. */
const MIGRATION_LOCK = 7_466_924_300_123;

/**
 * Applies the migrations not applied yet, in order, in one transaction that first takes an
 * advisory lock: of several instances starting at once, one applies them and the others find
 * them done.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<void> {
	await sql.begin(async (tx) => {
		await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
		await tx`create table if not exists gatehouse_migrations (
			id text primary key,
			applied_at timestamptz not null default now()
		)`;
		const done = new Set((await tx`select id from gatehouse_migrations`).map((row) => row.id));
		for (const migration of migrations) {
			if (done.has(migration.id)) continue;
			await tx.unsafe(migration.sql);
			await tx`insert into gatehouse_migrations (id) values (${migration.id})`;
		}
	});
}
