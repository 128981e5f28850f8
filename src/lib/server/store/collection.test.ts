import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../../../tests/helpers/temp-dir';
import { Collection } from './collection';
import { DataFileError, DuplicateKeyError, StoreWriteError } from './errors';

interface Item {
	id: string;
	name: string;
}

function parseItem(value: unknown, fail: (problem: string) => never): Item {
	if (typeof value !== 'object' || value === null) fail('not an object');
	const { id, name } = value as Record<string, unknown>;
	if (typeof id !== 'string' || typeof name !== 'string') fail('needs "id" and "name"');
	return { id, name };
}

let dir: string;
let file: string;

beforeEach(async () => {
	dir = await makeTempDir();
	file = path.join(dir, 'items.json');
});

afterEach(async () => {
	vi.restoreAllMocks();
	await removeDir(dir);
});

function openItems(filePath = file): Promise<Collection<Item>> {
	return Collection.open<Item>({
		filePath,
		key: 'items',
		parseRecord: parseItem,
		uniqueKey: (item) => item.name
	});
}

async function readItems(filePath = file): Promise<Item[]> {
	const parsed = JSON.parse(await fs.readFile(filePath, 'utf8')) as { items: Item[] };
	return parsed.items;
}

async function exists(filePath: string): Promise<boolean> {
	return fs.access(filePath).then(
		() => true,
		() => false
	);
}

const alice: Item = { id: 'a', name: 'alice' };
const bob: Item = { id: 'b', name: 'bob' };
const carol: Item = { id: 'c', name: 'carol' };

describe('changes in memory', () => {
	it('inserts records and finds them by id and by unique key', async () => {
		const items = await openItems();
		items.insert(alice);
		items.insert(bob);
		expect(items.size).toBe(2);
		expect(items.get('a')).toEqual(alice);
		expect(items.getByKey('bob')).toEqual(bob);
		expect(items.get('nobody')).toBeUndefined();
		expect(items.getByKey('nobody')).toBeUndefined();
		expect([...items.values()]).toEqual([alice, bob]);
	});

	it('refuses a duplicate id or a duplicate key and stays unchanged', async () => {
		const items = await openItems();
		items.insert(alice);
		expect(() => items.insert({ id: 'a', name: 'other' })).toThrow(DuplicateKeyError);
		expect(() => items.insert({ id: 'z', name: 'alice' })).toThrow(DuplicateKeyError);
		expect(items.size).toBe(1);
		expect(items.getByKey('other')).toBeUndefined();
		expect(items.get('z')).toBeUndefined();
		expect(items.getByKey('alice')).toEqual(alice);
	});

	it('treats keys such as __proto__ as plain names', async () => {
		const items = await openItems();
		items.insert({ id: 'p', name: '__proto__' });
		items.insert({ id: 'c', name: 'constructor' });
		expect(items.getByKey('__proto__')).toEqual({ id: 'p', name: '__proto__' });
		expect(items.getByKey('constructor')).toEqual({ id: 'c', name: 'constructor' });
		expect(items.getByKey('toString')).toBeUndefined();
	});

	it('replaces a record and moves its unique key', async () => {
		const items = await openItems();
		items.insert(alice);
		items.replace({ id: 'a', name: 'alicia' });
		expect(items.get('a')).toEqual({ id: 'a', name: 'alicia' });
		expect(items.getByKey('alicia')).toEqual({ id: 'a', name: 'alicia' });
		expect(items.getByKey('alice')).toBeUndefined();
		items.replace({ id: 'a', name: 'alicia' });
		expect(items.size).toBe(1);
	});

	it('refuses to replace onto a key another record holds, or a record that does not exist', async () => {
		const items = await openItems();
		items.insert(alice);
		items.insert(bob);
		expect(() => items.replace({ id: 'a', name: 'bob' })).toThrow(DuplicateKeyError);
		expect(items.get('a')).toEqual(alice);
		expect(items.getByKey('bob')).toEqual(bob);
		expect(() => items.replace({ id: 'nobody', name: 'x' })).toThrow('No record nobody');
		expect(items.get('nobody')).toBeUndefined();
	});

	it('removes a record and frees its key', async () => {
		const items = await openItems();
		items.insert(alice);
		expect(items.remove('a')).toBe(true);
		expect(items.remove('a')).toBe(false);
		expect(items.get('a')).toBeUndefined();
		expect(items.getByKey('alice')).toBeUndefined();
		items.insert({ id: 'a2', name: 'alice' });
		expect(items.getByKey('alice')?.id).toBe('a2');
	});
});

describe('files', () => {
	it('creates a missing file with no records when opened', async () => {
		const items = await openItems();
		expect(items.size).toBe(0);
		expect(await readItems()).toEqual([]);
	});

	it('does not rewrite an existing file when opening it', async () => {
		const text = '{\n  "items": [\n    { "id": "a", "name": "alice" }\n  ]\n}\n';
		await fs.writeFile(file, text);
		const items = await openItems();
		expect(items.get('a')).toEqual(alice);
		await items.flush();
		expect(await fs.readFile(file, 'utf8')).toBe(text);
	});

	it('save() writes every record to the file, one record per line', async () => {
		const items = await openItems();
		items.insert(alice);
		items.insert(bob);
		await items.save();
		const text = await fs.readFile(file, 'utf8');
		expect(JSON.parse(text)).toEqual({ items: [alice, bob] });
		const lines = text.trimEnd().split('\n');
		expect(lines).toHaveLength(4);
		expect(lines[0]).toBe('{"items": [');
		expect(lines[3]).toBe(']}');
		expect(JSON.parse(lines[1]!.replace(/,$/, ''))).toEqual(alice);
		expect(JSON.parse(lines[2]!)).toEqual(bob);
	});

	it('writes replacements and removals', async () => {
		const items = await openItems();
		items.insert(alice);
		items.insert(bob);
		await items.save();
		items.replace({ id: 'a', name: 'alicia' });
		items.remove('b');
		items.insert(carol);
		await items.save();
		expect(await readItems()).toEqual([{ id: 'a', name: 'alicia' }, carol]);
	});

	it('reopening reads what was written', async () => {
		const first = await openItems();
		first.insert(alice);
		first.insert(bob);
		first.replace({ id: 'b', name: 'robert' });
		await first.save();
		const reopened = await openItems();
		expect([...reopened.values()]).toEqual([alice, { id: 'b', name: 'robert' }]);
		expect(reopened.getByKey('robert')?.id).toBe('b');
		expect(reopened.getByKey('bob')).toBeUndefined();
	});

	it('refuses to open a file with two records holding one key', async () => {
		await fs.writeFile(
			file,
			JSON.stringify({ items: [alice, { id: 'a2', name: 'alice' }] }, null, '\t')
		);
		const before = await fs.readFile(file, 'utf8');
		await expect(openItems()).rejects.toThrow(DataFileError);
		await expect(openItems()).rejects.toThrow('items[1]: duplicate alice');
		expect(await fs.readFile(file, 'utf8')).toBe(before);
	});

	it('coalesces many saves in one tick, and every one resolves with its record on disk', async () => {
		const items = await openItems();
		const saves = Array.from({ length: 100 }, (_, i) => {
			items.insert({ id: `id-${i}`, name: `name-${i}` });
			return items.save();
		});
		// Every save of this tick waits for the same single write.
		expect(new Set(saves).size).toBe(1);
		await Promise.all(saves);
		const onDisk = await readItems();
		expect(onDisk).toHaveLength(100);
		expect(onDisk.map((item) => item.id)).toEqual(Array.from({ length: 100 }, (_, i) => `id-${i}`));
	});

	it('puts saves made while a write runs into the next write', async () => {
		const items = await openItems();
		items.insert(alice);
		const first = items.save();
		await Promise.resolve();
		await Promise.resolve();
		items.insert(bob);
		const second = items.save();
		items.insert(carol);
		const third = items.save();
		expect(third).toBe(second);
		await Promise.all([first, second]);
		expect(await readItems()).toEqual([alice, bob, carol]);
	});

	it('flush() writes only when something changed', async () => {
		const items = await openItems();
		await fs.rm(file);
		await items.flush();
		expect(await exists(file)).toBe(false);

		items.insert(alice);
		await items.flush();
		expect(await readItems()).toEqual([alice]);

		await fs.rm(file);
		await items.flush();
		expect(await exists(file)).toBe(false);

		items.remove('a');
		await items.flush();
		expect(await readItems()).toEqual([]);
	});

	it('settle() waits for the running write', async () => {
		const items = await openItems();
		items.insert(alice);
		const saved = items.save();
		await items.settle();
		expect(await readItems()).toEqual([alice]);
		await saved;
	});
});

describe('a failed write', () => {
	let sub: string;
	let subFile: string;

	beforeEach(async () => {
		sub = path.join(dir, 'sub');
		subFile = path.join(sub, 'items.json');
		await fs.mkdir(sub);
		vi.spyOn(console, 'error').mockImplementation(() => {});
	});

	/** The directory becomes a plain file, so creating the temp file fails with ENOTDIR. */
	async function breakDir(): Promise<void> {
		await fs.rm(sub, { recursive: true });
		await fs.writeFile(sub, 'not a directory');
	}

	async function repairDir(): Promise<void> {
		await fs.rm(sub);
		await fs.mkdir(sub);
	}

	it('rejects with StoreWriteError, rolls memory back and refuses changes made meanwhile', async () => {
		const items = await openItems(subFile);
		items.insert(alice);
		await items.save();
		await breakDir();

		items.insert(bob);
		const failing = items.save();
		// Let the write start, then change memory while it is in flight.
		await Promise.resolve();
		await Promise.resolve();
		items.insert(carol);
		const builtOnFailing = items.save();
		// A separate batch: the change really was made while the first write ran.
		expect(builtOnFailing).not.toBe(failing);

		const error = await failing.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(StoreWriteError);
		expect((error as Error).message).toContain(subFile);
		expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ENOTDIR');
		await expect(builtOnFailing).rejects.toBeInstanceOf(StoreWriteError);
		expect(console.error).toHaveBeenCalledWith(expect.stringContaining(subFile));

		expect(items.size).toBe(1);
		expect(items.get('a')).toEqual(alice);
		expect(items.get('b')).toBeUndefined();
		expect(items.getByKey('bob')).toBeUndefined();
		expect(items.get('c')).toBeUndefined();
		expect(items.getByKey('carol')).toBeUndefined();

		await repairDir();
		items.insert({ id: 'd', name: 'dave' });
		await items.save();
		expect(await readItems(subFile)).toEqual([alice, { id: 'd', name: 'dave' }]);
		// The rolled-back names are free again.
		items.insert(bob);
		await items.save();
		expect(await readItems(subFile)).toEqual([alice, { id: 'd', name: 'dave' }, bob]);
	});

	it('restores replaced and removed records', async () => {
		const items = await openItems(subFile);
		items.insert(alice);
		items.insert(bob);
		await items.save();
		await breakDir();

		items.replace({ id: 'a', name: 'alicia' });
		items.remove('b');
		await expect(items.save()).rejects.toBeInstanceOf(StoreWriteError);

		expect(items.get('a')).toEqual(alice);
		expect(items.getByKey('alice')).toEqual(alice);
		expect(items.getByKey('alicia')).toBeUndefined();
		expect(items.get('b')).toEqual(bob);
		expect(items.getByKey('bob')).toEqual(bob);

		await repairDir();
		// Nothing is left dirty after a rollback: flush has nothing to write.
		await items.flush();
		expect(await exists(subFile)).toBe(false);
		await items.save();
		expect(await readItems(subFile)).toEqual([alice, bob]);
	});

	it('leaves no temp file behind when the rename fails', async () => {
		const items = await openItems(subFile);
		await fs.rm(subFile);
		await fs.mkdir(subFile);
		items.insert(alice);
		await expect(items.save()).rejects.toBeInstanceOf(StoreWriteError);
		expect(items.size).toBe(0);
		expect(await fs.readdir(sub)).toEqual(['items.json']);
	});
});
