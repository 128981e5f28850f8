import path from 'node:path';
import { Low } from 'lowdb';
import type { AnyCollection, Fail, Row } from '../../collection';
import { DurableJsonFile } from './durable-file';

type Snapshot = Record<string, Row[]>;

/** Records serialised per piece of a write: a few milliseconds of work between yields. */
const SLICE = 250;

/** lowdb over one collection's file; its data stays null when there is no file. */
function low(dir: string, collection: AnyCollection) {
	const adapter = new DurableJsonFile<Snapshot | null>(
		path.join(dir, collection.fileName),
		(value, fail) => ({ [collection.name]: parseSnapshot(collection, value, fail) }),
		(data) => serializeSnapshot(collection.name, data?.[collection.name] ?? [])
	);
	return new Low<Snapshot | null>(adapter, null);
}

/** A collection's file, checked strictly; null when there is no file (yet). */
export async function readSnapshot(dir: string, collection: AnyCollection): Promise<Row[] | null> {
	const db = low(dir, collection);
	await db.read();
	return db.data?.[collection.name] ?? null;
}

/** Writes the collection's file durably (temp file, fsync, rename), a slice at a time. */
export async function writeSnapshot(
	dir: string,
	collection: AnyCollection,
	records: Row[]
): Promise<void> {
	const db = low(dir, collection);
	db.data = { [collection.name]: records };
	await db.write();
}

/** Strict reading of a whole file: the right shape, every record valid, no duplicate ids. */
export function parseSnapshot(collection: AnyCollection, value: unknown, fail: Fail): Row[] {
	const key = collection.name;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		fail(`expected an object with a "${key}" array, found ${describe(value)}`);
	}
	const list = (value as Record<string, unknown>)[key];
	if (!Array.isArray(list)) fail(`expected a "${key}" array, found ${describe(list)}`);
	const ids = new Set<string>();
	return list.map((item, index) => {
		const record = collection.parse(item, (problem) => fail(`${key}[${index}]: ${problem}`));
		if (ids.has(record.id)) fail(`${key}[${index}]: duplicate id ${record.id}`);
		ids.add(record.id);
		return record;
	});
}

/** One record per line (readable, diffable by an operator), produced a slice at a time. */
export function* serializeSnapshot(key: string, records: Row[]): Generator<string> {
	yield `{"${key}": [\n`;
	for (let start = 0; start < records.length; start += SLICE) {
		const lines = records.slice(start, start + SLICE).map((record) => JSON.stringify(record));
		yield (start === 0 ? '' : ',\n') + lines.join(',\n');
	}
	yield '\n]}\n';
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (value === undefined) return 'nothing';
	return `a ${typeof value}`;
}
