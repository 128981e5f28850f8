import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { DataFileError } from '../../errors';
import { syncDirectory } from './durable-file';

/*
 * The journal: every committed change, one line each, appended and fsynced before the change is
 * acknowledged. A line is `<crc32 hex> <JSON array of operations>`. The JSON files are snapshots;
 * the journal holds what happened since. Compaction moves appends to the next generation's file,
 * writes the snapshots as of the switch, then deletes the older generations.
 */

export type Operation = ['put', string, unknown] | ['del', string, string];

const FILE = /^journal-(\d{6,})\.log$/;

export function journalFileName(generation: number): string {
	return `journal-${String(generation).padStart(6, '0')}.log`;
}

/** The generations present in `dir`, oldest first. */
export async function listJournals(dir: string): Promise<number[]> {
	const generations: number[] = [];
	for (const name of await fs.readdir(dir)) {
		const match = FILE.exec(name);
		if (match) generations.push(Number(match[1]));
	}
	return generations.sort((a, b) => a - b);
}

/** One line of the journal for a change, given its operations already as JSON. */
export function journalLine(operationsJson: string): string {
	return `${crc32(operationsJson).toString(16).padStart(8, '0')} ${operationsJson}\n`;
}

function decodeLine(line: string): Operation[] | null {
	const space = line.indexOf(' ');
	if (space !== 8) return null;
	const body = line.slice(9);
	if (crc32(body).toString(16).padStart(8, '0') !== line.slice(0, 8)) return null;
	try {
		const operations = JSON.parse(body) as unknown;
		return Array.isArray(operations) ? (operations as Operation[]) : null;
	} catch {
		return null;
	}
}

/**
 * The changes in one journal file, in order. A crash can cut the last append short, so in the
 * newest file unreadable lines at the very end are a torn tail and ignored. An unreadable line
 * anywhere else is damage, and reading stops with the file's name.
 */
export async function readJournal(file: string, newest: boolean): Promise<Operation[][]> {
	const text = await fs.readFile(file, 'utf8');
	const lines = text.split('\n');
	// The piece after the last newline is empty, or an append cut short.
	const cut = lines.pop() ?? '';
	const changes: Array<Operation[] | null> = lines.map(decodeLine);
	const firstBad = changes.indexOf(null);
	const damaged = firstBad >= 0 && changes.slice(firstBad).some((change) => change !== null);
	if (damaged) {
		throw new DataFileError(file, `line ${firstBad + 1} is damaged (checksum or JSON)`);
	}
	if (!newest && (firstBad >= 0 || cut !== '')) {
		throw new DataFileError(file, 'it ends in an incomplete change, but it is not the newest');
	}
	return (firstBad >= 0 ? changes.slice(0, firstBad) : changes) as Operation[][];
}

const { O_APPEND, O_CREAT, O_DSYNC, O_WRONLY } = fsConstants;
/** Where the platform has O_DSYNC (Linux, macOS), every write is durable when it returns. */
const SYNC_WRITES = O_DSYNC !== undefined;

function openForAppend(file: string): Promise<fs.FileHandle> {
	const flags = O_WRONLY | O_APPEND | O_CREAT | (SYNC_WRITES ? O_DSYNC : 0);
	return fs.open(file, flags, 0o600);
}

interface Pending {
	text: string;
	sequence: number;
	resolve: () => void;
	reject: (error: Error) => void;
}

interface Switch {
	atSwitch: () => void;
	done: (generation: number) => void;
	failed: (error: Error) => void;
}

/**
 * Appends lines to the current generation's file. Appends that arrive while a write runs go out
 * together in the next write (one fsync for all). If a write fails, the file is cut back to its
 * last durable length before the next write, and `onFailure` runs before any append is refused.
 */
export class JournalWriter {
	readonly #dir: string;
	#generation: number;
	#handle: fs.FileHandle | null = null;
	/** Bytes of the current file that are durable. */
	#size = 0;
	#needsRepair = false;
	#queue: Pending[] = [];
	#switches: Switch[] = [];
	#running: Promise<void> | null = null;
	#nextSequence = 1;
	/** Every append up to this sequence number is durable. */
	durableSequence = 0;

	constructor(
		dir: string,
		generation: number,
		/** Runs synchronously when a write fails, before the appends it carried are refused. */
		private readonly onFailure: (error: Error) => void
	) {
		this.#dir = dir;
		this.#generation = generation;
	}

	get generation(): number {
		return this.#generation;
	}

	/** Bytes in the current generation's file. */
	get size(): number {
		return this.#size;
	}

	/** Queues a line; `durable` resolves once it is on disk. */
	append(text: string): { sequence: number; durable: Promise<void> } {
		const sequence = this.#nextSequence++;
		const durable = new Promise<void>((resolve, reject) => {
			this.#queue.push({ text, sequence, resolve, reject });
		});
		this.#run();
		return { sequence, durable };
	}

	/**
	 * Moves appends to the next generation between two writes. `atSwitch` runs synchronously at
	 * that moment, when everything before is durable in the old file and nothing after is in it.
	 * Resolves with the finished generation.
	 */
	switchGeneration(atSwitch: () => void): Promise<number> {
		const done = new Promise<number>((resolve, reject) =>
			this.#switches.push({ atSwitch, done: resolve, failed: reject })
		);
		this.#run();
		return done;
	}

	/** Resolves when nothing is queued or being written. */
	async settle(): Promise<void> {
		while (this.#running) await this.#running;
	}

	/** Waits for pending appends and closes the file; an empty newest file is removed. */
	async close(): Promise<void> {
		await this.settle();
		await this.#handle?.close();
		this.#handle = null;
		if (this.#size === 0 && !this.#needsRepair) await fs.rm(this.#file(), { force: true });
	}

	#run(): void {
		this.#running ??= this.#loop();
	}

	async #loop(): Promise<void> {
		// Let the current tick's other changes join this write.
		await Promise.resolve();
		while (this.#queue.length > 0 || this.#switches.length > 0) {
			const move = this.#switches.shift();
			if (move) {
				await this.#switchNow(move);
				continue;
			}
			const batch = this.#queue.splice(0);
			try {
				await this.#write(batch.map((pending) => pending.text).join(''));
			} catch (cause) {
				this.#needsRepair = true;
				const refused = [...batch, ...this.#queue.splice(0)];
				const error = cause as Error;
				this.onFailure(error);
				for (const pending of refused) pending.reject(error);
				continue;
			}
			this.durableSequence = batch[batch.length - 1]?.sequence ?? this.durableSequence;
			for (const pending of batch) pending.resolve();
		}
		// In the same step as the last check of the queue: an append from now on starts a new loop.
		this.#running = null;
	}

	async #write(text: string): Promise<void> {
		if (this.#needsRepair) await this.#repair();
		const created = this.#handle === null;
		this.#handle ??= await openForAppend(this.#file());
		const bytes = Buffer.from(text, 'utf8');
		// O_DSYNC: the write returns once the bytes are on disk, in one trip to the thread pool.
		await this.#handle.write(bytes, 0, bytes.length);
		if (!SYNC_WRITES) await this.#handle.datasync();
		// A new file's directory entry must be durable too, or a crash could lose the whole file.
		if (created) await syncDirectory(this.#dir);
		this.#size += bytes.length;
	}

	/** Cuts off whatever a failed write left, so a refused change can never come back. */
	async #repair(): Promise<void> {
		if (this.#handle) {
			await this.#handle.truncate(this.#size);
			await this.#handle.datasync();
		} else {
			await fs.truncate(this.#file(), this.#size).catch((error: NodeJS.ErrnoException) => {
				if (error.code !== 'ENOENT') throw error;
			});
		}
		this.#needsRepair = false;
	}

	async #switchNow(move: Switch): Promise<void> {
		let next: fs.FileHandle;
		try {
			// A file left with a failed write's bytes must be cut back before it stops being the
			// newest, and the next file must exist before appends move to it (a directory that
			// refuses new files then fails this switch, not the appends after it).
			if (this.#needsRepair) await this.#repair();
			next = await openForAppend(this.#file(this.#generation + 1));
			await syncDirectory(this.#dir);
		} catch (error) {
			move.failed(error as Error);
			return;
		}
		const finished = this.#generation;
		const previous = this.#handle;
		this.#handle = next;
		this.#generation++;
		this.#size = 0;
		move.atSwitch();
		await previous?.close();
		move.done(finished);
	}

	#file(generation = this.#generation): string {
		return path.join(this.#dir, journalFileName(generation));
	}
}
