import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function makeTempDir(prefix = 'gatehouse-test-'): Promise<string> {
	return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
	await fs.chmod(dir, 0o700).catch(() => {});
	await fs.rm(dir, { recursive: true, force: true });
}
