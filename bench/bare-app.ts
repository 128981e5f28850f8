import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Inside the project, so it builds with the project's own SvelteKit, Svelte and Vite. */
export const BARE_DIR = path.join(ROOT, 'bench/.bare');

/**
 * The framework's ceiling: a SvelteKit app of the same versions with one page, a hook that does
 * nothing, and Gatehouse's CSP, built with adapter-node. Measured side by side with Gatehouse.
 */
export async function buildBareApp(): Promise<string> {
	await fs.rm(BARE_DIR, { recursive: true, force: true });
	const file = async (name: string, text: string) => {
		await fs.mkdir(path.dirname(path.join(BARE_DIR, name)), { recursive: true });
		await fs.writeFile(path.join(BARE_DIR, name), text);
	};
	const svelteConfig = await fs.readFile(path.join(ROOT, 'svelte.config.js'), 'utf8');
	// The same kit options (the CSP above all), without the project-only TypeScript settings.
	await file(
		'svelte.config.js',
		svelteConfig.replace(/typescript: \{[\s\S]*?\n\t\t\}/, 'typescript: {}')
	);
	await file(
		'vite.config.js',
		"import { sveltekit } from '@sveltejs/kit/vite';\nexport default { plugins: [sveltekit()] };\n"
	);
	await file('src/app.html', await fs.readFile(path.join(ROOT, 'src/app.html'), 'utf8'));
	await file(
		'src/hooks.server.js',
		'export const handle = ({ event, resolve }) => resolve(event);\n'
	);
	await file(
		'src/routes/+page.svelte',
		'<svelte:head><title>Bare</title></svelte:head>\n<h1>A bare SvelteKit page</h1>\n<p>Nothing else.</p>\n'
	);
	await file('package.json', '{ "type": "module", "private": true }\n');
	execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build'], {
		cwd: BARE_DIR,
		stdio: 'ignore'
	});
	return path.join(BARE_DIR, 'build');
}
