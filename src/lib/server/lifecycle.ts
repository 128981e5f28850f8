import { removeExpiredSessions } from './auth/sessions';
import { config, ConfigError, type Config } from './config';
import { ensureDirectory } from './config/directory';
import { stopKeepingAlive } from './http/headers';
import { unavailableAs503 } from './http/unavailable';
import { loadSecretKey } from './config/secret-key';
import { limits, openStore, store, useStore, webauthnChallenges } from './store';
import { storeContents, registerTools, type Tool } from './tool';

const SWEEP_INTERVAL_MS = 60_000;

async function sweep(): Promise<void> {
	await removeExpiredSessions();
	await store().update(async (tx) => {
		await tx.of(limits).removeExpired(new Date());
		// Passkey challenges nobody answered.
		await tx.of(webauthnChallenges).removeExpired(new Date());
	});
}

/** Where adapter-node is about to listen, in words: `0.0.0.0` surprises people on a shared host. */
function describeListening({ host, port, socketPath }: Config['listen']): string {
	if (socketPath) return `Gatehouse: listening on the socket ${socketPath}`;
	const everywhere = host === '0.0.0.0' || host === '::';
	return everywhere
		? `Gatehouse: listening on port ${port} of every network interface (HOST=${host}); ` +
				'set HOST=127.0.0.1 to accept connections from this machine only'
		: `Gatehouse: listening on ${host} port ${port}`;
}

/** One line per problem, never a stack trace: the operator fixes a setting, not the code. */
function reportStartFailure(error: unknown): never {
	const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
	for (const problem of problems) console.error(`Gatehouse cannot start: ${problem}`);
	process.exit(1);
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
		// DATA_DIR keeps the JSON files and, unless SECRET_KEY is given, the secret.key file.
		if (!settings.databaseUrl || !settings.secretKey) ensureDirectory(settings.dataDir, 'DATA_DIR');
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
		console.log(describeListening(settings.listen));
	} catch (error) {
		reportStartFailure(error);
	}
}
