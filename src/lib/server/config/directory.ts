import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` and its missing parents (mode 0700), or throws one plain sentence. Not
 * `mkdirSync({ recursive: true })`: on Linux that retries forever where mkdir answers ENOENT for
 * a parent that exists (a path under /proc), so a bad DATA_DIR hung the start instead of failing.
 */
export function ensureDirectory(dir: string, setting: string): void {
	const missing: string[] = [];
	for (let current = path.resolve(dir); ; current = path.dirname(current)) {
		let stat: fs.Stats | undefined;
		try {
			stat = fs.statSync(current, { throwIfNoEntry: false });
		} catch (error) {
			throw cannotCreate(dir, setting, current, error);
		}
		if (stat) {
			if (!stat.isDirectory()) throw new Error(`${setting} ${dir}: ${current} is not a directory`);
			break;
		}
		missing.unshift(current);
		if (path.dirname(current) === current) break;
	}
	for (const level of missing) {
		try {
			fs.mkdirSync(level, { mode: 0o700 });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
			throw cannotCreate(dir, setting, level, error);
		}
	}
}

function cannotCreate(dir: string, setting: string, at: string, error: unknown): Error {
	const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
	return new Error(`${setting} ${dir} cannot be created (${reason} at ${at})`, { cause: error });
}
