import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';

/**
 * Makes a directory refuse new files, as a full or read-only disk would. Root ignores mode bits,
 * so as root this sets the immutable attribute (ext4 and most Linux file systems).
 */
export async function makeUnwritable(dir: string): Promise<void> {
	if (process.getuid?.() === 0) execFileSync('chattr', ['+i', dir]);
	else await fs.chmod(dir, 0o500);
}

export async function makeWritable(dir: string): Promise<void> {
	if (process.getuid?.() === 0) execFileSync('chattr', ['-i', dir]);
	else await fs.chmod(dir, 0o700);
}
