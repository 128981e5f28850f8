import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeBackup } from './backup';
import { writeFileDurably } from './durable-file';
import type { Store } from './index';

/**
 * While a server owns a data directory, no other process may open it, so a backup command asks
 * the server: it leaves a request file in the directory and sends SIGUSR2; the server writes the
 * backup from its own state and answers in a response file.
 */
const REQUEST = /^backup-request-([0-9a-f]{16})\.json$/;
const responseName = (id: string) => `backup-response-${id}.json`;

interface BackupResponse {
	ok: boolean;
	folder?: string;
	error?: string;
}

export function serveBackupRequests(store: Store): () => void {
	let busy = Promise.resolve();
	const onSignal = () => {
		busy = busy
			.then(() => answerRequests(store))
			.catch((error: unknown) => {
				console.error('Backup request failed:', error);
			});
	};
	process.on('SIGUSR2', onSignal);
	return () => process.off('SIGUSR2', onSignal);
}

async function answerRequests(store: Store): Promise<void> {
	for (const name of await fs.readdir(store.dataDir)) {
		const id = REQUEST.exec(name)?.[1];
		if (!id) continue;
		const requestPath = path.join(store.dataDir, name);
		let response: BackupResponse;
		try {
			const { outDir } = JSON.parse(await fs.readFile(requestPath, 'utf8')) as { outDir: string };
			response = { ok: true, folder: await writeBackup(store, outDir) };
		} catch (error) {
			response = { ok: false, error: (error as Error).message };
		}
		await fs.rm(requestPath, { force: true });
		await fs.writeFile(path.join(store.dataDir, responseName(id)), JSON.stringify(response), {
			mode: 0o600
		});
	}
}

/** Asks the server with `pid` for a backup into `outDir`; resolves with the backup folder. */
export async function requestBackup(
	dataDir: string,
	pid: number,
	outDir: string,
	timeoutMs = 30_000
): Promise<string> {
	const id = randomBytes(8).toString('hex');
	const requestPath = path.join(dataDir, `backup-request-${id}.json`);
	const responsePath = path.join(dataDir, responseName(id));
	// Written whole (temp file + rename), so the server never reads half a request.
	await writeFileDurably(requestPath, JSON.stringify({ outDir: path.resolve(outDir) }));
	try {
		process.kill(pid, 'SIGUSR2');
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const text = await fs.readFile(responsePath, 'utf8').catch(() => null);
			if (text) {
				const response = JSON.parse(text) as BackupResponse;
				if (!response.ok || !response.folder) throw new Error(response.error ?? 'backup failed');
				return response.folder;
			}
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		throw new Error(`The server (pid ${pid}) did not answer the backup request in time`);
	} finally {
		await fs.rm(requestPath, { force: true });
		await fs.rm(responsePath, { force: true });
	}
}
