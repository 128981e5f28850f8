import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_BUILD_DIR } from '../helpers/server';

const CHUNKS = path.resolve(import.meta.dirname, '../..', TEST_BUILD_DIR, 'client/_app/immutable');

async function filesUnder(dir: string): Promise<string[]> {
	const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
	return entries
		.filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
		.map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the browser build', () => {
	// vite.config.ts raises the chunk warning limit for the password-strength word lists only.
	it('has no chunk over 500 kB but the zxcvbn-ts word lists', async () => {
		const large: string[] = [];
		for (const file of await filesUnder(CHUNKS)) {
			const text = await fs.readFile(file, 'utf8');
			if (text.length <= 500_000) continue;
			// @zxcvbn-ts/language-en (commonWords, firstnames) or language-common (adjacencyGraphs)
			const wordList = /commonWords|adjacencyGraphs/.test(text) && text.includes('passwords');
			if (!wordList) large.push(`${path.basename(file)} (${text.length} bytes)`);
		}
		expect(large).toEqual([]);
	});
});
