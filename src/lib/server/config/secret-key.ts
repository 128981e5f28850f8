import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ensureDirectory } from './directory';
import type { Config } from './index';

let master: Buffer | null = null;
const derived = new Map<string, Buffer>();

/**
 * The server's secret: SECRET_KEY, or else a random key kept in a file of its own (created with
 * mode 0600 on first start). It is never stored with the data, so a copied data file or
 * database dump does not carry it.
 */
export function loadSecretKey(settings: Pick<Config, 'secretKey' | 'secretKeyFile'>): void {
	if (settings.secretKey) {
		useSecretKey(Buffer.from(settings.secretKey, 'utf8'));
		return;
	}
	const file = settings.secretKeyFile;
	try {
		useSecretKey(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		ensureDirectory(path.dirname(file), 'The folder of SECRET_KEY_FILE');
		const key = randomBytes(32);
		fs.writeFileSync(file, key.toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
		useSecretKey(key);
	}
	if (master && master.length < 32) throw new Error(`${file} does not hold a 32-byte hex key`);
}

export function useSecretKey(key: Buffer | null): void {
	master = key;
	derived.clear();
}

/** A key for one purpose only (HKDF-SHA256), so no two uses ever share key material. */
export function keyFor(purpose: string): Buffer {
	if (!master) throw new Error('The secret key is not loaded: call loadSecretKey() at start');
	let key = derived.get(purpose);
	if (!key) {
		key = Buffer.from(hkdfSync('sha256', master, '', `gatehouse ${purpose}`, 32));
		derived.set(purpose, key);
	}
	return key;
}
