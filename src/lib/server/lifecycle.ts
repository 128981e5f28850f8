import { config } from './config';
import { sweepLimits } from './rate-limit';
import { sweepSessions } from './session';
import { openStore, useStore } from './store';
import { serveBackupRequests } from './store/backup-requests';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Opens the data directory for this server process. Any problem (bad setting, data directory
 * held by another process, unreadable file) is printed plainly and stops the process: serving
 * on top of it would only lose data.
 */
export async function startServer(): Promise<void> {
	try {
		const opened = await openStore(config().dataDir);
		useStore(opened);
		const sweeper = setInterval(() => {
			const { limits, llm } = config();
			sweepLimits({
				'login-user': limits.loginFailuresPerUser,
				'login-ip': limits.loginFailuresPerIp,
				'signup-ip': limits.signupsPerIp,
				'chat-user': { max: llm.requestsPerMinute, windowSeconds: 60 }
			});
			sweepSessions().catch((error: unknown) => console.error('Session sweep failed:', error));
			opened.limits.flush().catch((error: unknown) => console.error('Limit sweep failed:', error));
		}, SWEEP_INTERVAL_MS);
		sweeper.unref();
		// adapter-node emits this after it stopped accepting requests and the last one finished.
		const stopServingBackups = serveBackupRequests(opened);
		process.once('sveltekit:shutdown' as 'beforeExit', () => {
			clearInterval(sweeper);
			stopServingBackups();
			opened.close().catch((error: unknown) => console.error('Shutdown failed:', error));
		});
		console.log(`Gatehouse: data directory ${opened.dataDir}`);
	} catch (error) {
		console.error(`Gatehouse cannot start.\n${(error as Error).message}`);
		process.exit(1);
	}
}
