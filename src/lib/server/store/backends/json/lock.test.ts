import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../../../tests/helpers/temp-dir';
import { CORE_COLLECTIONS } from '../../index';
import { JsonStore } from './json-store';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from './lock';

let dir: string;
let lockFile: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
	dir = await makeTempDir();
	lockFile = path.join(dir, LOCK_FILE_NAME);
});

afterEach(async () => {
	for (const child of children.splice(0)) {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
	}
	await removeDir(dir);
});

/** A process that stays alive until the test ends. */
function liveProcessPid(): number {
	const child = spawn('sleep', ['30'], { stdio: 'ignore' });
	children.push(child);
	if (child.pid === undefined) throw new Error('could not start sleep');
	return child.pid;
}

/** The pid of a process that has exited and been reaped. */
async function deadProcessPid(): Promise<number> {
	const child = spawn('true', [], { stdio: 'ignore' });
	const pid = child.pid;
	if (pid === undefined) throw new Error('could not start true');
	await new Promise((resolve) => child.once('exit', resolve));
	return pid;
}

async function writeLock(owner: unknown): Promise<string> {
	const text = typeof owner === 'string' ? owner : JSON.stringify(owner) + '\n';
	await fs.writeFile(lockFile, text);
	return text;
}

async function lockOwner(): Promise<unknown> {
	return JSON.parse(await fs.readFile(lockFile, 'utf8'));
}

const me = { pid: process.pid, hostname: os.hostname() };

describe('lockDataDir', () => {
	it('writes this process as the owner, and release removes the file', async () => {
		const lock = await lockDataDir(dir);
		expect(await lockOwner()).toEqual(me);
		expect((await fs.stat(lockFile)).mode & 0o777).toBe(0o600);
		await lock.release();
		await expect(fs.access(lockFile)).rejects.toThrow();
	});

	it('lets the same process take the lock again', async () => {
		const first = await lockDataDir(dir);
		const second = await lockDataDir(dir);
		expect(await lockOwner()).toEqual(me);
		await second.release();
		await first.release();
		await expect(fs.access(lockFile)).rejects.toThrow();
	});

	it('refuses a lock held by a live process, naming the directory and the pid', async () => {
		const pid = liveProcessPid();
		const text = await writeLock({ pid, hostname: os.hostname() });
		const error = await lockDataDir(dir).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DataDirLockedError);
		expect((error as DataDirLockedError).pid).toBe(pid);
		expect((error as DataDirLockedError).dataDir).toBe(dir);
		expect((error as Error).message).toContain(dir);
		expect((error as Error).message).toContain(String(pid));
		expect(await fs.readFile(lockFile, 'utf8')).toBe(text);
	});

	it('stops openStore before it touches any file', async () => {
		const pid = liveProcessPid();
		await writeLock({ pid, hostname: os.hostname() });
		await expect(JsonStore.open(dir, CORE_COLLECTIONS)).rejects.toThrow(DataDirLockedError);
		expect(await fs.readdir(dir)).toEqual([LOCK_FILE_NAME]);
	});

	it('respects a lock from another host, whose process cannot be checked from here', async () => {
		const pid = await deadProcessPid();
		await writeLock({ pid, hostname: `not-${os.hostname()}` });
		await expect(lockDataDir(dir)).rejects.toThrow(DataDirLockedError);
	});

	it('takes over a lock left by a process that has exited', async () => {
		const pid = await deadProcessPid();
		await writeLock({ pid, hostname: os.hostname() });
		const lock = await lockDataDir(dir);
		expect(await lockOwner()).toEqual(me);
		await lock.release();
		await expect(fs.access(lockFile)).rejects.toThrow();
	});

	it.each([
		['garbage', 'garbage'],
		['empty', ''],
		['cut short', '{"pid": 12'],
		['without a hostname', '{"pid": 1}'],
		['with a pid that is not a number', '{"pid": "1", "hostname": "x"}']
	])('takes over a lock file that is %s', async (_, text) => {
		await writeLock(text);
		const lock = await lockDataDir(dir);
		expect(await lockOwner()).toEqual(me);
		await lock.release();
	});

	it('release leaves a lock that another process has taken since', async () => {
		const lock = await lockDataDir(dir);
		const pid = liveProcessPid();
		const text = await writeLock({ pid, hostname: os.hostname() });
		await lock.release();
		expect(await fs.readFile(lockFile, 'utf8')).toBe(text);
	});
});
