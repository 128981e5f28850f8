import { restoreBackup } from '../src/lib/server/store/backends/json/backup';
import { storeContents } from '../src/lib/server/tool';
import { readArguments, runCommand, settings, UsageError } from './cli';

const USAGE = `Usage: npm run restore -- <backup folder>

Checks the backup (manifest hashes, every record), then replaces the data files in DATA_DIR
(default ./data). The server must be stopped. Replaced files are kept as *.before-restore-<time>.`;

runCommand(USAGE, async () => {
	const { positionals } = readArguments({});
	if (positionals.length !== 1) throw new UsageError('Name exactly one backup folder.');
	const { dataDir } = settings();
	await restoreBackup(positionals[0] ?? '', dataDir, storeContents().collections);
	console.log(`Restored ${positionals[0]} into ${dataDir}. Start the server to use it.`);
});
