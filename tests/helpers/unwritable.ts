import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes a data directory refuse every write, as a full or read-only disk would: no new files,
 * and no appends to the files already open (the journal). Root ignores mode bits, so as root
 * this sets the immutable attribute (ext4 and most Linux file systems) on the directory and on
 * each file in it.
 */
export async function makeUnwritable(dir: string): Promise<void> {
	const files = (await fs.readdir(dir)).map((name) => path.join(dir, name));
	if (process.getuid?.() === 0) execFileSync('chattr', ['+i', dir, ...files]);
	else {
		for (const file of files) await fs.chmod(file, 0o400);
		await fs.chmod(dir, 0o500);
	}
}

export async function makeWritable(dir: string): Promise<void> {
	if (process.getuid?.() === 0) {
		execFileSync('chattr', ['-i', dir]);
		const files = (await fs.readdir(dir)).map((name) => path.join(dir, name));
		if (files.length > 0) execFileSync('chattr', ['-i', ...files]);
	} else {
		await fs.chmod(dir, 0o700);
		for (const name of await fs.readdir(dir)) await fs.chmod(path.join(dir, name), 0o600);
	}
}
