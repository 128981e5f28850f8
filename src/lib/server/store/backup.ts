import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileDurably } from './durable-file';
import { DataFileError } from './errors';
import { DATA_FILES } from './files';
import { lockDataDir } from './lock';
import type { Store } from './index';

const MANIFEST = 'manifest.json';

interface Manifest {
	format: 'gatehouse-backup/1';
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
 * Writes what is on disk (never unsaved changes) of every data file into a new timestamped
 * folder under `outDir`, with a manifest of hashes. Both files are taken in one tick, so the
 * copy is a state the data directory really had.
 */
export async function writeBackup(store: Store, outDir: string): Promise<string> {
	// Taken in one tick; records are immutable, so the pieces can be written out later.
	const contents = new Map([
		[store.users.filePath, store.users.savedContent()],
		[store.sessions.filePath, store.sessions.savedContent()],
		[store.chats.filePath, store.chats.savedContent()]
	]);
	const createdAt = new Date();
	const folder = path.join(
		path.resolve(outDir),
		`gatehouse-backup-${createdAt.toISOString().replace(/[:.]/g, '-')}`
	);
	await fs.mkdir(folder, { recursive: true, mode: 0o700 });
	const manifest: Manifest = {
		format: 'gatehouse-backup/1',
		createdAt: createdAt.toISOString(),
		files: {}
	};
	for (const spec of DATA_FILES) {
		const content = contents.get(path.join(store.dataDir, spec.fileName));
		if (!content) throw new Error(`No data file ${spec.fileName}`);
		const hash = createHash('sha256');
		await writeFileDurably(path.join(folder, spec.fileName), hashing(content.pieces, hash));
		manifest.files[spec.fileName] = { sha256: hash.digest('hex'), records: content.records };
	}
	await writeFileDurably(path.join(folder, MANIFEST), JSON.stringify(manifest, null, '\t') + '\n');
	return folder;
}

/** Reads a backup folder and checks it fully; returns each file's text, or throws saying why not. */
export async function checkBackup(folder: string): Promise<Map<string, string>> {
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
	if (manifest.format !== 'gatehouse-backup/1') {
		throw new DataFileError(manifestPath, 'not a Gatehouse backup manifest');
	}
	const texts = new Map<string, string>();
	for (const spec of DATA_FILES) {
		const filePath = path.join(folder, spec.fileName);
		const fail = (problem: string): never => {
			throw new DataFileError(filePath, problem);
		};
		const expected = manifest.files?.[spec.fileName];
		const text = await fs.readFile(filePath, 'utf8').catch(() => fail('missing from the backup'));
		if (!expected || sha256(text) !== expected.sha256) fail('does not match the manifest');
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			fail('not valid JSON');
		}
		spec.check(value, fail);
		texts.set(spec.fileName, text);
	}
	return texts;
}

/**
 * Replaces the data files of a stopped data directory with a checked backup. The files it
 * replaces are kept beside them as `<file>.before-restore-<time>`.
 */
export async function restoreBackup(folder: string, dataDir: string): Promise<void> {
	const texts = await checkBackup(folder);
	await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
	const lock = await lockDataDir(dataDir);
	try {
		const stamp = new Date().toISOString().replace(/[:.]/g, '-');
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
