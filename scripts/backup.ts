import { existsSync } from 'node:fs';
import { DataDirLockedError, openStore } from '../src/lib/server/store';
import { writeBackup } from '../src/lib/server/store/backup';
import { requestBackup } from '../src/lib/server/store/backup-requests';
import { dataDirFromEnv, parseArgs, runCommand, UsageError } from './cli';

const USAGE = `Usage: npm run backup -- [--out <dir>]

Writes a consistent, timestamped copy of the data files (DATA_DIR, default ./data) into a new
folder under <dir> (default ./backups). Works whether the server is running or not: a running
server writes the copy itself.`;

runCommand(USAGE, async () => {
	const { options, positional } = parseArgs(process.argv.slice(2), ['out']);
	if (positional.length > 0) throw new UsageError(`Unexpected argument ${positional[0]}`);
	const outDir = (options.get('out') as string | undefined) ?? 'backups';
	const dataDir = dataDirFromEnv();
	if (!existsSync(dataDir)) throw new Error(`There is no data directory at ${dataDir}`);

	let folder: string;
	try {
		const store = await openStore(dataDir);
		try {
			folder = await writeBackup(store, outDir);
		} finally {
			await store.close();
		}
	} catch (error) {
		if (!(error instanceof DataDirLockedError)) throw error;
		console.log(`The server (pid ${error.pid}) is running; asking it for the backup.`);
		folder = await requestBackup(dataDir, error.pid, outDir);
	}
	console.log(`Backup written to ${folder}`);
});
