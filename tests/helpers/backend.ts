import { describe, inject } from 'vitest';
import { makeTempDir, removeDir } from './temp-dir';

/*
 * Which storage backend this test run exercises. The HTTP and security suites run twice, once
 * per backend (see the projects in vite.config.ts); tests that only make sense for one say so
 * with `onJsonFiles` or `onPostgres`, and the other backend has its own tests of the same promise.
 */

export type Backend = 'json' | 'postgres';

export const backend: Backend =
	process.env.GATEHOUSE_TEST_STORE === 'postgres' ? 'postgres' : 'json';

/** Where one server (or a command) keeps its data. */
export interface StoreLocation {
	dataDir: string;
	/** Set on the PostgreSQL backend: a database of its own. */
	databaseUrl: string | null;
}

/** A fresh, empty place to keep data: a temp directory, and on PostgreSQL a new database. */
export async function newStoreLocation(): Promise<StoreLocation> {
	const dataDir = await makeTempDir();
	if (backend === 'json') return { dataDir, databaseUrl: null };
	const { createDatabase } = await import('./postgres-admin');
	return { dataDir, databaseUrl: await createDatabase(inject('postgresUrl')) };
}

export async function removeStoreLocation(location: StoreLocation): Promise<void> {
	await removeDir(location.dataDir);
}

/** The environment that points the server or a command at a location. */
export function storeEnv(location: StoreLocation): Record<string, string> {
	return {
		DATA_DIR: location.dataDir,
		...(location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : {})
	};
}

/** Tests of the JSON files themselves (their journal, locks, modes, torn writes). */
export const onJsonFiles = describe.runIf(backend === 'json');
/** Tests of what only PostgreSQL has (several instances, a database that goes away). */
export const onPostgres = describe.runIf(backend === 'postgres');

declare module 'vitest' {
	export interface ProvidedContext {
		/** The test cluster's administrative URL, on the PostgreSQL projects. */
		postgresUrl: string;
	}
}
