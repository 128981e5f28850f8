import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ensureDirectory } from '../../../config/directory';
import type { AnyCollection } from '../../collection';
import { DataFileError } from '../../errors';
import { writeFileDurably } from './durable-file';
import { JsonStore } from './json-store';
import { listJournals, journalFileName } from './journal';
import { lockDataDir } from './lock';
import { parseSnapshot, serializeSnapshot } from './snapshot-file';

const MANIFEST = 'manifest.json';
const FORMAT = 'gatehouse-backup/1';

/** A time for a file or folder name: ISO 8601 with `:` and `.` made safe for every file system. */
export function fileStamp(date = new Date()): string {
	return date.toISOString().replace(/[:.]/g, '-');
}

interface Manifest {
	format: typeof FORMAT;
	createdAt: string;
	files: Record<string, { sha256: string; records: number }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function* hashing(pieces: Iterable<string>, hash: Hash): Generator<string> {
	for (const piece of pieces) {
		hash.update(piece);
		yield piece;
	}
}

/**
 * Writes a consistent copy of every collection (the files with the journal applied, as of one
 * moment) into a new timestamped folder under `outDir`, with a manifest of hashes. It reads
 * without the lock, so a running server keeps serving.
 */
export async function writeBackup(
	dataDir: string,
	collections: readonly AnyCollection[],
	outDir: string
): Promise<string> {
	const state = await JsonStore.openReadOnly(dataDir, collections);
	const createdAt = new Date();
	const folder = path.join(path.resolve(outDir), `gatehouse-backup-${fileStamp(createdAt)}`);
	ensureDirectory(folder, 'The backup folder');
	const manifest: Manifest = { format: FORMAT, createdAt: createdAt.toISOString(), files: {} };
	for (const collection of collections) {
		const records = state.records(collection);
		const hash = createHash('sha256');
		const pieces = serializeSnapshot(collection.name, records);
		await writeFileDurably(path.join(folder, collection.fileName), hashing(pieces, hash));
		manifest.files[collection.fileName] = { sha256: hash.digest('hex'), records: records.length };
	}
	await writeFileDurably(path.join(folder, MANIFEST), JSON.stringify(manifest, null, '\t') + '\n');
	return folder;
}

/**
 * Reads a backup folder and checks it fully: every file the manifest names matches its hash and
 * reads as strictly as at start. Returns each file's text, or throws saying why not.
 */
async function checkBackup(
	folder: string,
	collections: readonly AnyCollection[]
): Promise<Map<string, string>> {
	const manifestPath = path.join(folder, MANIFEST);
	let manifest: Manifest;
	try {
		manifest = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Manifest;
	} catch (error) {
		throw new DataFileError(
			manifestPath,
			`not a readable backup manifest (${(error as Error).message})`
		);
	}
	if (manifest.format !== FORMAT || typeof manifest.files !== 'object') {
		throw new DataFileError(manifestPath, 'not a Gatehouse backup manifest');
	}
	if (!manifest.files['users.json'])
		throw new DataFileError(manifestPath, 'it lists no users.json');
	const texts = new Map<string, string>();
	for (const collection of collections) {
		const expected = manifest.files[collection.fileName];
		// Backups made before a collection existed simply do not have it.
		if (!expected) continue;
		const filePath = path.join(folder, collection.fileName);
		const fail = (problem: string): never => {
			throw new DataFileError(filePath, problem);
		};
		const text = await fs.readFile(filePath, 'utf8').catch(() => fail('missing from the backup'));
		if (sha256(text) !== expected.sha256) fail('does not match the manifest');
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			fail('not valid JSON');
		}
		parseSnapshot(collection, value, fail);
		texts.set(collection.fileName, text);
	}
	return texts;
}

/**
 * Replaces the data files of a stopped data directory with a checked backup. The files it
 * replaces, and any journal (whose changes belong to the replaced state), are kept beside them
 * as `<file>.before-restore-<time>`.
 */
export async function restoreBackup(
	folder: string,
	dataDir: string,
	collections: readonly AnyCollection[]
): Promise<void> {
	const texts = await checkBackup(folder, collections);
	ensureDirectory(dataDir, 'DATA_DIR');
	const lock = await lockDataDir(dataDir);
	try {
		const stamp = fileStamp();
		for (const generation of await listJournals(dataDir)) {
			const journal = path.join(dataDir, journalFileName(generation));
			await fs.rename(journal, `${journal}.before-restore-${stamp}`);
		}
		for (const [fileName, text] of texts) {
			const target = path.join(dataDir, fileName);
			await fs.copyFile(target, `${target}.before-restore-${stamp}`).catch((error: unknown) => {
				if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
			});
			await writeFileDurably(target, text);
		}
	} finally {
		await lock.release();
	}
}
