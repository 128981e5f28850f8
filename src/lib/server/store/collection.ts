import fs from 'node:fs/promises';
import { Low } from 'lowdb';
import { DurableJsonFile, RenamedUnsyncedError } from './durable-file';
import { DuplicateKeyError, StoreWriteError } from './errors';

export interface CollectionOptions<R> {
	filePath: string;
	/** The file's single top-level key: `{ "users": [...] }`. */
	key: string;
	/** Checks one record read from disk; calls `fail` with what is wrong. */
	parseRecord: (value: unknown, fail: (problem: string) => never) => R;
	/** A second unique key, for example the normalised username. */
	uniqueKey?: (record: R) => string;
}

/** Records stringified per piece of a write: a few milliseconds of work between yields. */
const SERIALIZE_SLICE = 250;

interface Deferred {
	promise: Promise<void>;
	resolve: () => void;
	reject: (error: Error) => void;
}

function deferred(): Deferred {
	let resolve!: () => void;
	let reject!: (error: Error) => void;
	const promise = new Promise<void>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	// A housekeeping save nobody awaits must not become an unhandled rejection.
	promise.catch(() => {});
	return { promise, resolve, reject };
}

/**
 * One JSON file of records, held in memory with O(1) look-ups.
 *
 * Records are immutable: a change replaces the record. Changes are applied synchronously (so a
 * check-then-insert has no `await` in between) and then saved with `save()`, which resolves once
 * the change is on disk. Saves that arrive while a write runs are coalesced into the next write.
 * If a write fails, memory returns to the last state on disk and every unsaved change is refused.
 */
export class Collection<R extends { id: string }> {
	readonly #low: Low<Record<string, R[]>>;
	readonly #options: CollectionOptions<R>;
	readonly #byId = new Map<string, R>();
	readonly #byKey = new Map<string, R>();
	/** Each record's JSON, so a write re-serialises only the records that changed. */
	readonly #json = new WeakMap<R, string>();
	#onDisk: R[] = [];
	#next: Deferred | null = null;
	#dirty = false;
	#writing: Promise<void> | null = null;

	private constructor(options: CollectionOptions<R>) {
		this.#options = options;
		const adapter = new DurableJsonFile<Record<string, R[]>>(
			options.filePath,
			(value, fail) => parseCollection(options, value, fail),
			(data) => this.#serialize(data[options.key] ?? [])
		);
		this.#low = new Low(adapter, { [options.key]: [] });
	}

	static async open<R extends { id: string }>(
		options: CollectionOptions<R>
	): Promise<Collection<R>> {
		const collection = new Collection(options);
		const existed = await fs.stat(options.filePath).then(
			() => true,
			() => false
		);
		await collection.#low.read();
		collection.#onDisk = collection.#low.data[options.key] ?? [];
		collection.#index(collection.#onDisk);
		collection.#dirty = false;
		if (!existed) await collection.save();
		collection.#warmJsonCache();
		return collection;
	}

	/**
	 * Stringifies the records read at start a slice per tick in the background, so the first
	 * writes under load do not have to (at 100,000 records that is 30 MB of JSON).
	 */
	#warmJsonCache(): void {
		const records = this.#onDisk;
		let start = 0;
		const step = () => {
			for (const record of records.slice(start, start + SERIALIZE_SLICE)) {
				if (!this.#json.has(record)) this.#json.set(record, JSON.stringify(record));
			}
			start += SERIALIZE_SLICE;
			if (start < records.length) setImmediate(step).unref();
		};
		if (records.length > 0) setImmediate(step).unref();
	}

	get filePath(): string {
		return this.#options.filePath;
	}

	get size(): number {
		return this.#byId.size;
	}

	get(id: string): R | undefined {
		return this.#byId.get(id);
	}

	getByKey(key: string): R | undefined {
		return this.#byKey.get(key);
	}

	values(): IterableIterator<R> {
		return this.#byId.values();
	}

	insert(record: R): void {
		if (this.#byId.has(record.id)) throw new DuplicateKeyError(`id ${record.id} exists`);
		const key = this.#options.uniqueKey?.(record);
		if (key !== undefined && this.#byKey.has(key)) throw new DuplicateKeyError(`${key} exists`);
		this.#byId.set(record.id, record);
		if (key !== undefined) this.#byKey.set(key, record);
		this.#dirty = true;
	}

	replace(record: R): void {
		const old = this.#byId.get(record.id);
		if (!old) throw new Error(`No record ${record.id} to replace`);
		const oldKey = this.#options.uniqueKey?.(old);
		const key = this.#options.uniqueKey?.(record);
		if (key !== undefined && key !== oldKey && this.#byKey.has(key)) {
			throw new DuplicateKeyError(`${key} exists`);
		}
		this.#byId.set(record.id, record);
		if (oldKey !== undefined) this.#byKey.delete(oldKey);
		if (key !== undefined) this.#byKey.set(key, record);
		this.#dirty = true;
	}

	remove(id: string): boolean {
		const old = this.#byId.get(id);
		if (!old) return false;
		this.#byId.delete(id);
		const key = this.#options.uniqueKey?.(old);
		if (key !== undefined) this.#byKey.delete(key);
		this.#dirty = true;
		return true;
	}

	/** Resolves once every change made so far is on disk; rejects with StoreWriteError if not. */
	save(): Promise<void> {
		if (!this.#next) {
			this.#next = deferred();
			if (!this.#writing) this.#writing = this.#writeLoop();
		}
		return this.#next.promise;
	}

	/** The file as last written, in pieces: what a backup must hold (never unsaved changes). */
	savedContent(): { pieces: Iterable<string>; records: number } {
		return { pieces: this.#serialize(this.#onDisk), records: this.#onDisk.length };
	}

	/** Saves only if something changed since the last write (housekeeping, shutdown). */
	flush(): Promise<void> {
		return this.#dirty || this.#next ? this.save() : Promise.resolve();
	}

	/** Resolves when no write is running or queued (for shutdown). */
	async settle(): Promise<void> {
		while (this.#writing) await this.#writing;
	}

	async #writeLoop(): Promise<void> {
		// Let the current tick's other changes join this write.
		await Promise.resolve();
		while (this.#next) {
			const batch = this.#next;
			this.#next = null;
			const snapshot = [...this.#byId.values()];
			this.#dirty = false;
			try {
				this.#low.data = { [this.#options.key]: snapshot };
				await this.#low.write();
				this.#onDisk = snapshot;
				batch.resolve();
			} catch (cause) {
				const error = new StoreWriteError(
					`Could not save ${this.#options.filePath}: ${(cause as Error).message}`,
					{ cause }
				);
				console.error(error.message);
				if (cause instanceof RenamedUnsyncedError) this.#onDisk = snapshot;
				this.#rollback();
				batch.reject(error);
				// Changes made while this write ran were built on state that no longer exists.
				const builtOnRolledBack = this.#next as Deferred | null;
				builtOnRolledBack?.reject(error);
				this.#next = null;
			}
		}
		this.#writing = null;
	}

	#rollback(): void {
		this.#byId.clear();
		this.#byKey.clear();
		this.#index(this.#onDisk);
		this.#dirty = false;
	}

	/** Fills the maps from records already known to be unique (a checked file, or the last write). */
	#index(records: R[]): void {
		const uniqueKey = this.#options.uniqueKey;
		for (const record of records) {
			this.#byId.set(record.id, record);
			if (uniqueKey) this.#byKey.set(uniqueKey(record), record);
		}
	}

	/**
	 * One record per line (readable, diffable by an operator), produced a slice at a time. Each
	 * record's JSON is cached, and records are immutable, so only changed records are stringified.
	 */
	*#serialize(records: R[]): Generator<string> {
		yield `{"${this.#options.key}": [\n`;
		for (let start = 0; start < records.length; start += SERIALIZE_SLICE) {
			const lines = records.slice(start, start + SERIALIZE_SLICE).map((record) => {
				let json = this.#json.get(record);
				if (json === undefined) {
					json = JSON.stringify(record);
					this.#json.set(record, json);
				}
				return json;
			});
			yield (start === 0 ? '' : ',\n') + lines.join(',\n');
		}
		yield '\n]}\n';
	}
}

/** Strict reading of a whole file: the right shape, every record valid, no duplicate keys. */
export function parseCollection<R extends { id: string }>(
	options: Pick<CollectionOptions<R>, 'key' | 'parseRecord' | 'uniqueKey'>,
	value: unknown,
	fail: (problem: string) => never
): Record<string, R[]> {
	const { key, parseRecord, uniqueKey } = options;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		fail(`expected an object with a "${key}" array, found ${describe(value)}`);
	}
	const list = (value as Record<string, unknown>)[key];
	if (!Array.isArray(list)) fail(`expected a "${key}" array, found ${describe(list)}`);
	const records = list.map((item, index) =>
		parseRecord(item, (problem) => fail(`${key}[${index}]: ${problem}`))
	);
	const ids = new Set<string>();
	const keys = new Set<string>();
	records.forEach((record, index) => {
		if (ids.has(record.id)) fail(`${key}[${index}]: duplicate id ${record.id}`);
		ids.add(record.id);
		const unique = uniqueKey?.(record);
		if (unique !== undefined) {
			if (keys.has(unique)) fail(`${key}[${index}]: duplicate ${unique}`);
			keys.add(unique);
		}
	});
	return { [key]: records };
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (value === undefined) return 'nothing';
	return `a ${typeof value}`;
}
