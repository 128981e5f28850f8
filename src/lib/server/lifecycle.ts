import { removeExpiredSessions } from './auth/sessions';
import { config } from './config';
import { stopKeepingAlive } from './http/headers';
import { unavailableAs503 } from './http/unavailable';
import { loadSecretKey } from './config/secret-key';
import { limits, openStore, store, useStore } from './store';
import { storeContents, registerTools, type Tool } from './tool';

const SWEEP_INTERVAL_MS = 60_000;

async function sweep(): Promise<void> {
	await removeExpiredSessions();
	await store().update((tx) => tx.of(limits).removeExpired(new Date()));
}

/**
 * Starts this server process: settings, the secret key, the tools and the store. Any problem
 * (a bad setting, a data directory held by another process, an unreadable file) is printed
 * plainly and stops the process: serving on top of it would only lose data.
 */
export async function startServer(tools: readonly Tool[]): Promise<void> {
	try {
		const settings = config();
		registerTools(tools);
		for (const tool of tools) tool.start?.();
		loadSecretKey(settings);
		const opened = await openStore({
			dataDir: settings.dataDir,
			databaseUrl: settings.databaseUrl,
			...storeContents()
		});
		// Only a database can be out of reach; the JSON files are read before the server starts.
		useStore(opened.backend === 'postgres' ? unavailableAs503(opened) : opened);
		const sweeper = setInterval(() => {
			sweep().catch((error: unknown) => console.error('Sweeping expired records failed:', error));
		}, SWEEP_INTERVAL_MS);
		sweeper.unref();
		const stopping = () => {
			stopKeepingAlive();
			console.log('Gatehouse: stopping (finishing the requests in flight)');
		};
		process.once('SIGTERM', stopping);
		process.once('SIGINT', stopping);
		// adapter-node emits this after it stopped accepting requests and the last one finished.
		process.once('sveltekit:shutdown' as 'beforeExit', () => {
			clearInterval(sweeper);
			opened.close().catch((error: unknown) => console.error('Shutdown failed:', error));
		});
		console.log(`Gatehouse: data in ${opened.location}`);
	} catch (error) {
		console.error(`Gatehouse cannot start.\n${(error as Error).message}`);
		process.exit(1);
	}
}
