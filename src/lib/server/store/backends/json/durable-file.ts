import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { DataFileError } from '../../errors';

/**
 * A lowdb adapter that reads strictly and writes durably.
 *
 * lowdb's own JSONFile (steno) renames a fixed temp file without fsync, and lowdb keeps its
 * defaults when a file reads as `null`. Here a write is fsynced, renamed over the old file and
 * the directory entry is synced before it resolves, and anything that is not a valid file
 * throws a DataFileError naming the file instead of being replaced.
 */
export class DurableJsonFile<T> implements Adapter<T> {
	constructor(
		readonly filePath: string,
		private readonly parse: (value: unknown, fail: (problem: string) => never) => T,
		/** The file's text in pieces, produced lazily: see writeFileDurably. */
		private readonly serialize: (data: T) => Iterable<string>
	) {}

	async read(): Promise<T | null> {
		let text: string;
		try {
			text = await fs.readFile(this.filePath, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
		const fail = (problem: string): never => {
			throw new DataFileError(this.filePath, problem);
		};
		if (text.trim() === '') fail('the file is empty');
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (error) {
			fail(`not valid JSON (${(error as Error).message})`);
		}
		return this.parse(value, fail);
	}

	async write(data: T): Promise<void> {
		await writeFileDurably(this.filePath, this.serialize(data));
	}
}

/** Temp files are unique per write, so two writers can never share one half-written file. */
export function isTempFileName(name: string): boolean {
	return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Writes `content` to a fresh temp file, fsyncs it, renames it over `filePath` and fsyncs the
 * directory. Content given in pieces is written piece by piece, yielding in between, so a large
 * file never blocks the event loop in one go.
 */
export async function writeFileDurably(
	filePath: string,
	content: string | Iterable<string>
): Promise<void> {
	const dir = path.dirname(filePath);
	const temp = path.join(dir, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
	try {
		const handle = await fs.open(temp, 'wx', 0o600);
		try {
			for (const piece of typeof content === 'string' ? [content] : content) {
				await handle.write(piece, null, 'utf8');
			}
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(temp, filePath);
	} catch (error) {
		await fs.rm(temp, { force: true }).catch(() => {});
		throw error;
	}
	await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
	const handle = await fs.open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
