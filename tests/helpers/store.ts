import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { useSecretKey } from '../../src/lib/server/config/secret-key';
import { openStore, useStore, type Store } from '../../src/lib/server/store';
import { registerTools, storeContents } from '../../src/lib/server/tool';
import { installedTools } from '../../src/lib/server/tools';
import type { Backend } from './backend';
import { startTestPostgres, type TestPostgres } from './postgres';
import { makeTempDir, removeDir } from './temp-dir';

/**
 * Gives each test its own store with real files (or, for 'postgres', a database of its own on
 * a cluster this test file starts), opened as the app's store, the installed tools registered
 * and a fresh secret key. Returns a getter (the store is made in beforeEach) that also says
 * where the data lives.
 */
export function useTempStore(backend: Backend = 'json'): () => Store & { dataDir: string } {
	let current: (Store & { dataDir: string }) | null = null;
	let cluster: TestPostgres | null = null;
	if (backend === 'postgres') {
		beforeAll(async () => {
			cluster = await startTestPostgres();
		});
		afterAll(() => cluster?.destroy());
	}
	beforeEach(async () => {
		registerTools(installedTools);
		useSecretKey(randomBytes(32));
		const dataDir = await makeTempDir();
		const databaseUrl = cluster ? await cluster.createDatabase() : null;
		const store = await openStore({ dataDir, databaseUrl, ...storeContents() });
		current = Object.assign(store, { dataDir });
		useStore(current);
	});
	afterEach(async () => {
		if (!current) return;
		await current.close();
		await removeDir(current.dataDir);
		useStore(null);
		useSecretKey(null);
		current = null;
	});
	return () => {
		if (!current) throw new Error('useTempStore: no store outside a test');
		return current;
	};
}
