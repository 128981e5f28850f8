import { afterEach, beforeEach } from 'vitest';
import { openStore, useStore, type Store } from '../../src/lib/server/store';
import { makeTempDir, removeDir } from './temp-dir';

/**
 * Gives each test its own data directory with real files, opened as the app's store.
 * Returns a getter because the store is created in beforeEach.
 */
export function useTempStore(): () => Store {
	let current: Store | null = null;
	beforeEach(async () => {
		current = await openStore(await makeTempDir());
		useStore(current);
	});
	afterEach(async () => {
		if (!current) return;
		await current.close();
		await removeDir(current.dataDir);
		useStore(null);
		current = null;
	});
	return () => {
		if (!current) throw new Error('useTempStore: no store outside a test');
		return current;
	};
}
