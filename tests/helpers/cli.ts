import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CommandResult {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs one of the operator commands in scripts/ as `npm run <name>` would. */
export function runScript(
	script: string,
	args: string[],
	env: Record<string, string>,
	input = ''
): Promise<CommandResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(TSX, [path.join(ROOT, 'scripts', `${script}.ts`), ...args], {
			cwd: ROOT,
			env: { PATH: process.env.PATH ?? '', ...env },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => resolve({ code, stdout, stderr }));
		child.stdin.end(input);
	});
}
