import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '../../../../../../tests/helpers/temp-dir';
import type { Collection } from '../../collection';
import { DataFileError, DuplicateKeyError, StoreWriteError } from '../../errors';
import { journalFileName, listJournals } from './journal';
import { JsonStore } from './json-store';

interface Item {
	id: string;
	name: string;
	group: string;
	expiresAt: string;
}

const items: Collection<Item, 'name', 'group'> = {
	name: 'items',
	fileName: 'items.json',
	parse(value, fail) {
		const record = value as Partial<Item>;
		const { id, name, group, expiresAt } = record;
		if (typeof id !== 'string' || typeof name !== 'string' || typeof group !== 'string') {
			return fail('needs "id", "name" and "group"');
		}
		return { id, name, group, expiresAt: typeof expiresAt === 'string' ? expiresAt : '9999' };
	},
	unique: ['name'],
	indexes: ['group'],
	expires: 'expiresAt',
	table: {
		columns: { id: 'text', name: 'text', group: 'text', expiresAt: 'text' },
		newest: 'id'
	}
};

const item = (id: string, name = id, group = 'g'): Item => ({
	id,
	name,
	group,
	expiresAt: '2999-01-01T00:00:00.000Z'
});

let dir: string;
let store: JsonStore | null;

beforeEach(async () => {
	dir = await makeTempDir();
	store = await JsonStore.open(dir, [items]);
});

afterEach(async () => {
	vi.restoreAllMocks();
	execFileSync('chattr', ['-R', '-i', dir]);
	await store?.close();
	await removeDir(dir);
});

function open(): JsonStore {
	if (!store) throw new Error('no store');
	return store;
}

/** What a second process reads from disk right now: the files with the journal applied. */
async function onDisk(): Promise<Item[]> {
	const reader = await JsonStore.openReadOnly(dir, [items]);
	return reader.records(items) as Item[];
}

const insert = (record: Item) => open().update((tx) => tx.of(items).insert(record));

/** Bytes in every journal file: 0 once everything is folded into the files. */
async function journalBytes(): Promise<number> {
	let bytes = 0;
	for (const generation of await listJournals(dir)) {
		bytes += (await fs.stat(path.join(dir, journalFileName(generation)))).size;
	}
	return bytes;
}

/** Opens the directory again as a restarted server would, after the first one died. */
async function restart(): Promise<JsonStore> {
	// The dead server's lock belongs to this process, so it is simply taken over.
	store = await JsonStore.open(dir, [items]);
	return store;
}

describe('a change', () => {
	it('is on disk when update resolves, for any other reader', async () => {
		await insert(item('a'));
		expect(await onDisk()).toEqual([item('a')]);
		expect(await open().of(items).getBy('name', 'a')).toEqual(item('a'));
	});

	it('spanning several records is applied whole, as one line of the journal', async () => {
		await insert(item('a', 'a', 'x'));
		await open().update(async (tx) => {
			await tx.of(items).insert(item('b', 'b', 'x'));
			await tx.of(items).replace({ ...item('a', 'a2', 'x') });
			await tx.of(items).insert(item('c', 'c', 'y'));
		});
		expect(await open().of(items).listBy('group', 'x')).toHaveLength(2);
		expect(await open().of(items).countBy('group', 'y')).toBe(1);
		expect((await onDisk()).map((record) => record.name)).toEqual(['a2', 'b', 'c']);
		const journal = await fs.readFile(path.join(dir, journalFileName(1)), 'utf8');
		expect(journal.trimEnd().split('\n')).toHaveLength(2);
	});

	it('that throws changes nothing, in memory or on disk', async () => {
		await insert(item('a'));
		const failed = open().update(async (tx) => {
			await tx.of(items).insert(item('b'));
			await tx.of(items).remove('a');
			throw new Error('changed my mind');
		});
		await expect(failed).rejects.toThrow('changed my mind');
		expect(await open().of(items).get('a')).toEqual(item('a'));
		expect(await open().of(items).get('b')).toBeUndefined();
		expect(await onDisk()).toEqual([item('a')]);
	});

	it('refuses a taken unique value or id without changing anything', async () => {
		await insert(item('a', 'alice'));
		await expect(insert(item('b', 'alice'))).rejects.toThrow(DuplicateKeyError);
		await expect(insert(item('a', 'other'))).rejects.toThrow(DuplicateKeyError);
		expect(await open().of(items).count()).toBe(1);
	});

	it('runs one at a time: a check and the change it guards cannot interleave', async () => {
		const claim = (id: string) =>
			open().update(async (tx) => {
				if ((await tx.of(items).count()) > 0) return false;
				await tx.of(items).insert(item(id));
				return true;
			});
		const claimed = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(claim));
		expect(claimed.filter(Boolean)).toHaveLength(1);
		expect(await onDisk()).toHaveLength(1);
	});

	it('removes expired records and records by look-up', async () => {
		await open().update(async (tx) => {
			await tx.of(items).insert({ ...item('old'), expiresAt: '2020-01-01T00:00:00.000Z' });
			await tx.of(items).insert(item('x1', 'x1', 'x'));
			await tx.of(items).insert(item('x2', 'x2', 'x'));
			await tx.of(items).insert(item('keep'));
		});
		const now = new Date('2026-01-01T00:00:00.000Z');
		expect(await open().update((tx) => tx.of(items).removeExpired(now))).toBe(1);
		expect(await open().update((tx) => tx.of(items).removeBy('group', 'x'))).toBe(2);
		expect((await onDisk()).map((record) => record.id)).toEqual(['keep']);
	});

	it('pages newest first, with a filter on a unique field', async () => {
		for (const name of ['ann', 'bob', 'anna', 'carl']) await insert(item(name));
		const all = await open().of(items).page({ offset: 0, limit: 10 });
		expect(all.records.map((record) => record.name)).toEqual(['carl', 'anna', 'bob', 'ann']);
		const ann = await open()
			.of(items)
			.page({ contains: { field: 'name', text: 'ann' }, offset: 1, limit: 1 });
		expect(ann).toEqual({ records: [item('ann')], total: 2 });
	});
});

describe('a failed append', () => {
	it('refuses the change and every change built on it, leaves memory as on disk, and recovers', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		await insert(item('a'));
		execFileSync('chattr', ['+i', dir, path.join(dir, journalFileName(1))]);
		const first = insert(item('b'));
		const builtOnIt = open().update(async (tx) => {
			const b = await tx.of(items).get('b');
			await tx.of(items).insert(item('c', b ? 'after-b' : 'no-b'));
		});
		await expect(first).rejects.toThrow(StoreWriteError);
		await expect(builtOnIt).rejects.toThrow(StoreWriteError);
		expect(await open().of(items).get('b')).toBeUndefined();
		expect(await open().of(items).get('c')).toBeUndefined();

		execFileSync('chattr', ['-i', dir, path.join(dir, journalFileName(1))]);
		await insert(item('d'));
		expect((await onDisk()).map((record) => record.id)).toEqual(['a', 'd']);
		expect((await restart()).records(items).map((record) => record.id)).toEqual(['a', 'd']);
	});
});

describe('the journal and the files', () => {
	it('folds the journal into the files and removes it', async () => {
		await insert(item('a'));
		await insert(item('b'));
		await open().compact();
		expect(await journalBytes()).toBe(0);
		const file = JSON.parse(await fs.readFile(path.join(dir, 'items.json'), 'utf8'));
		expect(file).toEqual({ items: [item('a'), item('b')] });
		await insert(item('c'));
		expect(await onDisk()).toEqual([item('a'), item('b'), item('c')]);
	});

	it('never writes a change into the files before it is durable', async () => {
		await insert(item('a'));
		// queued in the same tick: the switch to the next journal file comes first
		const late = insert(item('late'));
		const compacted = open().compact();
		await Promise.all([late, compacted]);
		const file = JSON.parse(await fs.readFile(path.join(dir, 'items.json'), 'utf8'));
		expect(file.items.map((record: Item) => record.id)).toEqual(['a']);
		expect(await onDisk()).toEqual([item('a'), item('late')]);
	});

	it('replays the journal after a crash and folds it in before serving', async () => {
		await insert(item('a'));
		await open().update(async (tx) => {
			await tx.of(items).replace(item('a', 'renamed'));
			await tx.of(items).insert(item('b'));
		});
		const restarted = await restart();
		expect(restarted.records(items)).toEqual([item('a', 'renamed'), item('b')]);
		expect(await journalBytes()).toBe(0);
	});

	it('comes out the same when a crash hit after the files were written but before the journal went', async () => {
		await insert(item('a', 'first'));
		await open().update((tx) => tx.of(items).replace(item('a', 'second')));
		await open().update((tx) => tx.of(items).remove('a'));
		await insert(item('a', 'third'));
		const journal = path.join(dir, journalFileName(1));
		const kept = await fs.readFile(journal);
		await open().compact();
		await fs.writeFile(journal, kept);
		expect((await restart()).records(items)).toEqual([item('a', 'third')]);
	});

	it('ignores an append a crash cut short, and only that', async () => {
		await insert(item('a'));
		const journal = path.join(dir, journalFileName(1));
		await fs.appendFile(journal, '0badf00d ["put","items",{"id":"tor');
		expect((await restart()).records(items)).toEqual([item('a')]);
	});

	it('refuses to start on a damaged journal line, naming the file', async () => {
		await insert(item('a'));
		await insert(item('b'));
		const journal = path.join(dir, journalFileName(1));
		const text = await fs.readFile(journal, 'utf8');
		// the first change is damaged, and a readable one follows: not a crash, but damage
		await fs.writeFile(journal, text.replace('"a"', '"x"'));
		const error = await restart().catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DataFileError);
		expect((error as Error).message).toContain(journal);
		expect(await fs.readFile(journal, 'utf8')).not.toBe(text);
		store = null;
	});

	it('keeps the journal when the files cannot be written, and folds it in later', async () => {
		vi.spyOn(console, 'error').mockImplementation(() => {});
		await insert(item('a'));
		execFileSync('chattr', ['+i', dir]);
		await expect(open().compact()).rejects.toThrow();
		// changes still go to the open journal file
		await insert(item('b'));
		execFileSync('chattr', ['-i', dir]);
		await open().compact();
		expect(await journalBytes()).toBe(0);
		const file = JSON.parse(await fs.readFile(path.join(dir, 'items.json'), 'utf8'));
		expect(file.items.map((record: Item) => record.id)).toEqual(['a', 'b']);
	});
});
