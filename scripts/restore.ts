import { restoreBackup } from '../src/lib/server/store/backends/json/backup';
import { storeContents } from '../src/lib/server/tool';
import { readArguments, runCommand, settings, UsageError } from './cli';
import { runPgTool } from './pg-tools';

const USAGE = `Usage: npm run restore -- <backup>

Stop the server (every instance) first. With the JSON files: checks the backup folder
(manifest hashes, every record), then replaces the data files in DATA_DIR (default ./data);
replaced files are kept as *.before-restore-<time>. With DATABASE_URL: replaces the database's
contents with a pg_dump file made by npm run backup, in one transaction.`;

runCommand(USAGE, async () => {
	const { positionals } = readArguments({});
	if (positionals.length !== 1) throw new UsageError('Name exactly one backup.');
	const backup = positionals[0] ?? '';
	const { dataDir, databaseUrl } = settings();
	if (databaseUrl) {
		runPgTool('pg_restore', databaseUrl, [
			'--clean',
			'--if-exists',
			'--no-owner',
			'--single-transaction',
			backup
		]);
		console.log(`Restored ${backup}. Start the server to use it.`);
		return;
	}
	await restoreBackup(backup, dataDir, storeContents().collections);
	console.log(`Restored ${backup} into ${dataDir}. Start the server to use it.`);
});
