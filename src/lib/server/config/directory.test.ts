import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../../../../tests/helpers/temp-dir';
import { ensureDirectory } from './directory';

const dirs: string[] = [];
afterEach(async () => {
	await Promise.all(dirs.splice(0).map(removeDir));
});

describe('ensureDirectory', () => {
	it('creates missing parents with mode 0700 and accepts an existing directory', async () => {
		const root = await makeTempDir();
		dirs.push(root);
		const dir = path.join(root, 'a', 'b');
		ensureDirectory(dir, 'DATA_DIR');
		ensureDirectory(dir, 'DATA_DIR');
		expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
	});

	it('fails at once, naming the setting, where the kernel refuses (no endless retry)', () => {
		const started = Date.now();
		expect(() => ensureDirectory('/proc/nope/data', 'DATA_DIR')).toThrow(
			/^DATA_DIR \/proc\/nope\/data cannot be created \(ENOENT at \/proc\/nope\)$/
		);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('refuses a path through a file', async () => {
		const root = await makeTempDir();
		dirs.push(root);
		fs.writeFileSync(path.join(root, 'file'), '');
		expect(() => ensureDirectory(path.join(root, 'file', 'data'), 'DATA_DIR')).toThrow(
			/cannot be created \(ENOTDIR at /
		);
	});
});
