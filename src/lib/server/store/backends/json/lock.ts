import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE_NAME = 'gatehouse.lock';

export class DataDirLockedError extends Error {
	override name = 'DataDirLockedError';
	constructor(
		readonly dataDir: string,
		readonly pid: number
	) {
		super(
			`The data directory ${dataDir} is in use by process ${pid} (a running Gatehouse server or command). ` +
				'Only one process may write it at a time: stop that process first.'
		);
	}
}

export interface DataDirLock {
	release(): Promise<void>;
}

interface LockOwner {
	pid: number;
	hostname: string;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

async function readOwner(lockPath: string): Promise<{ text: string; owner: LockOwner | null }> {
	const text = await fs.readFile(lockPath, 'utf8').catch(() => '');
	try {
		const value = JSON.parse(text) as Partial<LockOwner>;
		if (typeof value.pid === 'number' && typeof value.hostname === 'string') {
			return { text, owner: { pid: value.pid, hostname: value.hostname } };
		}
	} catch {
		// a lock file cut short by a crash: treat as stale
	}
	return { text, owner: null };
}

/**
 * Takes the data directory for this process. Two writers on one lowdb file lose each other's
 * writes, so a second server or command must stop here. A lock left by a killed process is
 * taken over. The same process may take it again (the dev server reloads modules).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
	const lockPath = path.join(dataDir, LOCK_FILE_NAME);
	const content = JSON.stringify({ pid: process.pid, hostname: os.hostname() }) + '\n';
	for (let attempt = 0; attempt < 5; attempt++) {
		try {
			await fs.writeFile(lockPath, content, { flag: 'wx', mode: 0o600 });
			return {
				async release() {
					const { owner } = await readOwner(lockPath);
					if (owner?.pid === process.pid) await fs.rm(lockPath, { force: true });
				}
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		const { text, owner } = await readOwner(lockPath);
		const heldByOther =
			owner !== null &&
			owner.pid !== process.pid &&
			(owner.hostname !== os.hostname() || isAlive(owner.pid));
		if (heldByOther) throw new DataDirLockedError(dataDir, owner.pid);
		// Only remove the stale lock if nobody replaced it since we read it.
		if ((await readOwner(lockPath)).text === text) await fs.rm(lockPath, { force: true });
	}
	throw new Error(`Could not take the lock ${lockPath}: it keeps changing`);
}
