import { restoreBackup } from '../src/lib/server/store/backup';
import { dataDirFromEnv, parseArgs, runCommand, UsageError } from './cli';

const USAGE = `Usage: npm run restore -- <backup folder>

Checks the backup (manifest hashes, every record), then replaces the data files in DATA_DIR
(default ./data). The server must be stopped. Replaced files are kept as *.before-restore-<time>.`;

runCommand(USAGE, async () => {
	const { positional } = parseArgs(process.argv.slice(2), []);
	if (positional.length !== 1) throw new UsageError('Name exactly one backup folder.');
	const dataDir = dataDirFromEnv();
	await restoreBackup(positional[0] ?? '', dataDir);
	console.log(`Restored ${positional[0]} into ${dataDir}. Start the server to use it.`);
});
