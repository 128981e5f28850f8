import fs from 'node:fs/promises';
import path from 'node:path';

/** The Node flags `npm start` gives the server (package.json is their one home). */
export async function startFlags(): Promise<string[]> {
	const root = path.resolve(import.meta.dirname, '..');
	const manifest = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as {
		scripts: { start: string };
	};
	return manifest.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}
