import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readConfig, type Config } from '../src/lib/server/config';
import {
	DataDirLockedError,
	openStore,
	openStoreForReading,
	useStore,
	type Store
} from '../src/lib/server/store';
import { storeContents, registerTools } from '../src/lib/server/tool';
import { installedTools } from '../src/lib/server/tools';

/* Shared by the operator commands: settings, the store, arguments, and how a command fails. */

export class UsageError extends Error {}

/** The server's settings, with the installed tools registered (their data is part of the store). */
export function settings(): Config {
	registerTools(installedTools);
	return readConfig();
}

/** `node:util`'s parseArgs, with its mistakes reported as usage errors. */
export function readArguments<T extends ParseArgsConfig['options']>(options: T) {
	try {
		return parseArgs({
			args: process.argv.slice(2),
			options,
			allowPositionals: true,
			strict: true
		});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/**
 * Runs `work` with the store open as the app's store. To change anything it needs the data
 * directory to itself (the server stopped); `reading` takes a consistent copy instead.
 */
export async function withStore(
	work: (store: Store) => Promise<void>,
	{ reading = false } = {}
): Promise<void> {
	const config = settings();
	const options = {
		dataDir: config.dataDir,
		databaseUrl: config.databaseUrl,
		...storeContents()
	};
	let store: Store;
	try {
		store = reading ? await openStoreForReading(options) : await openStore(options);
	} catch (error) {
		if (error instanceof DataDirLockedError) {
			throw new Error(
				`The data directory ${config.dataDir} is held by process ${error.pid}, probably the ` +
					'running server. Stop it first: only one process may write the data files.',
				{ cause: error }
			);
		}
		throw error;
	}
	useStore(store);
	try {
		await work(store);
	} finally {
		await store.close();
		useStore(null);
	}
}

/** Runs a command; prints errors plainly (no stack) and sets the exit code: 2 usage, 1 failure. */
export function runCommand(usage: string, main: () => Promise<void>): void {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			if (error instanceof UsageError) {
				console.error(`${error.message}\n\n${usage}`.trim());
				process.exit(2);
			}
			console.error(`Error: ${(error as Error).message}`);
			process.exit(1);
		}
	);
}
