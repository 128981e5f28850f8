import { existsSync } from 'node:fs';
import { writeBackup } from '../src/lib/server/store/backends/json/backup';
import { storeContents } from '../src/lib/server/tool';
import { readArguments, runCommand, settings, UsageError } from './cli';

const USAGE = `Usage: npm run backup -- [--out <dir>]

Writes a consistent, timestamped copy of the data files (DATA_DIR, default ./data) into a new
folder under <dir> (default ./backups). Works whether the server is running or not.`;

runCommand(USAGE, async () => {
	const { values, positionals } = readArguments({ out: { type: 'string', default: 'backups' } });
	if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
	const { dataDir } = settings();
	if (!existsSync(dataDir)) throw new Error(`There is no data directory at ${dataDir}`);
	const folder = await writeBackup(dataDir, storeContents().collections, values.out);
	console.log(`Backup written to ${folder}`);
});
