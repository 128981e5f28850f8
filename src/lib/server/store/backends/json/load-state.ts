import fs from 'node:fs/promises';
import path from 'node:path';
import type { AnyCollection, Row } from '../../collection';
import { DataFileError } from '../../errors';
import { journalFileName, listJournals, readJournal } from './journal';
import { readSnapshot } from './snapshot-file';

export interface LoadedState {
	/** Each collection's records in file order, with the journal applied. */
	records: Map<string, Map<string, Row>>;
	/** Collections that had no file yet. */
	missing: Set<string>;
	/** Collections the journal changed since their files were written. */
	journaled: Set<string>;
	/** Journal generations found, oldest first. */
	generations: number[];
}

/**
 * Reads every collection's file, then replays every journal on top, oldest first. Replaying is
 * idempotent (each operation puts or deletes a whole record), so a file already written by a
 * compaction that did not get to delete its journal comes out the same.
 */
export async function loadState(
	dir: string,
	collections: readonly AnyCollection[]
): Promise<LoadedState> {
	const generations = await listJournals(dir);
	const records = new Map<string, Map<string, Row>>();
	const missing = new Set<string>();
	for (const collection of collections) {
		const rows = await readSnapshot(dir, collection);
		if (rows === null) missing.add(collection.name);
		records.set(collection.name, new Map((rows ?? []).map((row) => [row.id, row])));
	}
	const byName = new Map(collections.map((collection) => [collection.name, collection]));
	const journaled = new Set<string>();
	for (const [index, generation] of generations.entries()) {
		const file = path.join(dir, journalFileName(generation));
		const changes = await readJournal(file, index === generations.length - 1);
		for (const [line, operations] of changes.entries()) {
			const fail = (problem: string): never => {
				throw new DataFileError(file, `line ${line + 1}: ${problem}`);
			};
			for (const [kind, name, value] of operations) {
				const collection = byName.get(name);
				const rows = records.get(name);
				if (!collection || !rows) fail(`no collection named ${JSON.stringify(name)}`);
				else if (kind === 'put') {
					const row = collection.parse(value, fail);
					rows.set(row.id, row);
				} else if (kind === 'del' && typeof value === 'string') rows.delete(value);
				else fail(`unknown operation ${JSON.stringify(kind)}`);
				journaled.add(name);
			}
		}
	}
	return { records, missing, journaled, generations };
}

/**
 * The same, for a process that does not own the directory (a backup, `users list`): a compaction
 * may delete a journal between listing and reading it, and then the files already hold its
 * changes, so reading again gives a consistent state.
 */
export async function loadStateWhileServed(
	dir: string,
	collections: readonly AnyCollection[]
): Promise<LoadedState> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await loadState(dir, collections);
		} catch (error) {
			const vanished = (error as NodeJS.ErrnoException).code === 'ENOENT';
			if (!vanished || attempt >= 20) throw error;
			await fs.stat(dir); // a directory that is gone is an error, not a reason to retry
		}
	}
}
