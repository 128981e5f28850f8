import { execFileSync } from 'node:child_process';
import { withoutPassword } from '../src/lib/server/store/backends/postgres/errors';

/**
 * Runs pg_dump or pg_restore on a database URL. The password goes in PGPASSWORD, never on the
 * command line (where `ps` would show it).
 */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', databaseUrl: string, args: string[]) {
	const url = new URL(databaseUrl);
	const password = decodeURIComponent(url.password);
	url.password = '';
	try {
		execFileSync(tool, [...args, `--dbname=${url.href}`], {
			env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
			stdio: ['ignore', 'inherit', 'pipe']
		});
	} catch (error) {
		const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error(`${tool} is not installed (Debian: apt-get install postgresql-client)`, {
				cause: error
			});
		}
		throw new Error(
			`${tool} failed on ${withoutPassword(databaseUrl)}: ${stderr.replaceAll(password || '\0', '***')}`,
			{ cause: error }
		);
	}
}
