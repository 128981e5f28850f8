import fs from 'node:fs';
import path from 'node:path';
import { ensureDirectory } from '../src/lib/server/config/directory';
import { fileStamp, writeBackup } from '../src/lib/server/store/backends/json/backup';
import { storeContents } from '../src/lib/server/tool';
import { readArguments, runCommand, settings, UsageError } from './cli';
import { runPgTool } from './pg-tools';

const USAGE = `Usage: npm run backup -- [--out <dir>]

Writes a consistent, timestamped backup into <dir> (default ./backups), whether the server runs
or not. With the JSON files (DATA_DIR, default ./data): a folder of the data files and a
manifest. With DATABASE_URL: a pg_dump file in custom format, for npm run restore.`;

runCommand(USAGE, async () => {
	const { values, positionals } = readArguments({ out: { type: 'string', default: 'backups' } });
	if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
	const { dataDir, databaseUrl } = settings();
	if (databaseUrl) {
		ensureDirectory(values.out, 'The backup folder');
		const file = path.resolve(values.out, `gatehouse-backup-${fileStamp()}.dump`);
		// created empty and private first: pg_dump writes into it, never a world-readable file
		fs.writeFileSync(file, '', { mode: 0o600 });
		runPgTool('pg_dump', databaseUrl, ['--format=custom', '--no-owner', `--file=${file}`]);
		console.log(`Backup written to ${file}`);
		return;
	}
	if (!fs.existsSync(dataDir)) throw new Error(`There is no data directory at ${dataDir}`);
	const folder = await writeBackup(dataDir, storeContents().collections, values.out);
	console.log(`Backup written to ${folder}`);
});
