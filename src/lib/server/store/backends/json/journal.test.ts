import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../../../tests/helpers/temp-dir';
import { DataFileError } from '../../errors';
import { journalFileName, journalLine, JournalWriter, listJournals, readJournal } from './journal';

let dir: string;

beforeEach(async () => {
	dir = await makeTempDir();
});

afterEach(async () => {
	execFileSync('chattr', ['-R', '-i', dir]);
	await removeDir(dir);
});

const line = (n: number) => journalLine(JSON.stringify([['put', 'items', { id: `i${n}` }]]));
const file = (generation = 1) => path.join(dir, journalFileName(generation));

describe('reading the journal', () => {
	it('reads every change in order', async () => {
		await fs.writeFile(file(), line(1) + line(2) + line(3));
		const changes = await readJournal(file(), true);
		expect(changes.map((change) => change[0]?.[2])).toEqual([
			{ id: 'i1' },
			{ id: 'i2' },
			{ id: 'i3' }
		]);
	});

	it.each([
		['an append cut short', line(3).slice(0, 20)],
		['a last line with a wrong checksum', line(3).replace(/^./, (c) => (c === '0' ? '1' : '0'))],
		['zeros where the last append was', '\0'.repeat(100)],
		['two unreadable lines at the very end', 'garbage\n' + line(3).slice(0, 12)]
	])('ignores %s in the newest file (a crash mid-append)', async (_, tail) => {
		await fs.writeFile(file(), line(1) + line(2) + tail);
		expect(await readJournal(file(), true)).toHaveLength(2);
	});

	it('refuses a damaged line that readable lines follow, naming the file and line', async () => {
		const damaged = line(2).replace('i2', 'i9');
		await fs.writeFile(file(), line(1) + damaged + line(3));
		const error = await readJournal(file(), true).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(DataFileError);
		expect((error as Error).message).toContain(file());
		expect((error as Error).message).toContain('line 2');
	});

	it('refuses an incomplete end in a file that is not the newest', async () => {
		await fs.writeFile(file(), line(1) + line(2).slice(0, 20));
		await expect(readJournal(file(), false)).rejects.toThrow(DataFileError);
	});

	it('lists generations oldest first, ignoring other files', async () => {
		for (const name of [journalFileName(12), journalFileName(3), 'journal-x.log', 'notes.txt']) {
			await fs.writeFile(path.join(dir, name), '');
		}
		expect(await listJournals(dir)).toEqual([3, 12]);
	});
});

describe('appending', () => {
	it('acknowledges appends in order, each only once it is in the file', async () => {
		const writer = new JournalWriter(dir, 1, () => {});
		const appends = Array.from({ length: 50 }, (_, n) => writer.append(line(n)));
		expect(appends.map((append) => append.sequence)).toEqual(
			Array.from({ length: 50 }, (_, n) => n + 1)
		);
		await Promise.all(appends.map((append) => append.durable));
		expect(writer.durableSequence).toBe(50);
		expect(await fs.readFile(file(), 'utf8')).toBe(
			Array.from({ length: 50 }, (_, n) => line(n)).join('')
		);
		await writer.close();
		expect((await fs.stat(file())).mode & 0o777).toBe(0o600);
	});

	it('refuses every queued append when a write fails, tells the store first, and recovers', async () => {
		const failures: string[] = [];
		let refusedBeforeTold = false;
		const writer = new JournalWriter(dir, 1, (error) => failures.push(error.message));
		await writer.append(line(1)).durable;

		// A write that failed halfway left bytes after the last acknowledged change.
		await fs.appendFile(file(), line(2).slice(0, 30));
		execFileSync('chattr', ['+i', file()]);
		const refused = [writer.append(line(3)), writer.append(line(4))].map(({ durable }) =>
			durable.then(
				() => 'written',
				() => {
					if (failures.length === 0) refusedBeforeTold = true;
					return 'refused';
				}
			)
		);
		expect(await Promise.all(refused)).toEqual(['refused', 'refused']);
		expect(failures).toHaveLength(1);
		expect(refusedBeforeTold).toBe(false);
		expect(writer.durableSequence).toBe(1);

		execFileSync('chattr', ['-i', file()]);
		await writer.append(line(5)).durable;
		// the half-written bytes are gone: the file is exactly what was acknowledged
		expect(await fs.readFile(file(), 'utf8')).toBe(line(1) + line(5));
		await writer.close();
	});

	it('moves to the next file between writes, with nothing pending in the old one', async () => {
		const writer = new JournalWriter(dir, 7, () => {});
		await writer.append(line(1)).durable;
		const pending = writer.append(line(2));
		let durableAtSwitch = -1;
		const finished = await writer.switchGeneration(() => {
			durableAtSwitch = writer.durableSequence;
		});
		await pending.durable;
		expect(finished).toBe(7);
		expect(durableAtSwitch).toBe(1);
		expect(await fs.readFile(file(7), 'utf8')).toBe(line(1));
		expect(await fs.readFile(file(8), 'utf8')).toBe(line(2));
		await writer.close();
	});
});
