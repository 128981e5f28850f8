import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { useSecretKey } from '../../src/lib/server/config/secret-key';
import { openStore, useStore, type Store } from '../../src/lib/server/store';
import { storeContents, registerTools } from '../../src/lib/server/tool';
import { installedTools } from '../../src/lib/server/tools';
import { makeTempDir, removeDir } from './temp-dir';

/**
 * Gives each test its own data directory with real files, opened as the app's store, the
 * installed tools registered and a fresh secret key. Returns a getter (the store is made in
 * beforeEach) that also says where the data lives.
 */
export function useTempStore(): () => Store & { dataDir: string } {
	let current: (Store & { dataDir: string }) | null = null;
	beforeEach(async () => {
		registerTools(installedTools);
		useSecretKey(randomBytes(32));
		const dataDir = await makeTempDir();
		const store = await openStore({ dataDir, databaseUrl: null, ...storeContents() });
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
