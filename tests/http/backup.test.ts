import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { runScript } from '../helpers/cli';
import { startServer, type RunningServer } from '../helpers/server';
import { onJsonFiles, onPostgres, storeEnv } from '../helpers/backend';
import { makeTempDir, removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const running: RunningServer[] = [];
const dirs: string[] = [];

async function tempDir() {
	const dir = await makeTempDir();
	dirs.push(dir);
	return dir;
}

async function start(dataDir: string) {
	const server = await startServer({ dataDir });
	running.push(server);
	return server;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
});

function backupFolder(stdout: string): string {
	const folder = /Backup written to (.+)/.exec(stdout)?.[1];
	if (!folder) throw new Error(`No backup folder in output: ${stdout}`);
	return folder.trim();
}

onJsonFiles('backup and restore of the JSON files', () => {
	it('backs up a running server, restores into the stopped data dir, and logs in again', async () => {
		const dataDir = await tempDir();
		const outDir = await tempDir();
		const server = await start(dataDir);
		await signUp(new Client(server.origin), 'before', PASSWORD);

		const backup = await runScript('backup', ['--out', outDir], { DATA_DIR: dataDir });
		expect(backup.stderr).toBe('');
		expect(backup.code).toBe(0);
		const folder = backupFolder(backup.stdout);
		for (const name of ['users.json', 'sessions.json', 'manifest.json']) {
			expect((await fs.stat(path.join(folder, name))).mode & 0o777).toBe(0o600);
		}
		// the running server still has the signup in its journal: the backup has it all the same
		const backedUp = JSON.parse(await fs.readFile(path.join(folder, 'users.json'), 'utf8'));
		expect(backedUp.users.map((user: { username: string }) => user.username)).toEqual(['before']);

		await signUp(new Client(server.origin), 'after', PASSWORD);
		const refused = await runScript('restore', [folder], { DATA_DIR: dataDir });
		expect(refused.code).toBe(1);
		expect(refused.stderr).toContain(`process ${server.process.pid}`);
		expect(await server.stop()).toBe(0);

		const restore = await runScript('restore', [folder], { DATA_DIR: dataDir });
		expect(restore.code).toBe(0);
		const restarted = await start(dataDir);
		expect((await logIn(new Client(restarted.origin), 'before', PASSWORD)).status).toBe(303);
		expect((await logIn(new Client(restarted.origin), 'after', PASSWORD)).status).toBe(400);
		// the replaced files are kept beside the restored ones
		expect((await fs.readdir(dataDir)).some((name) => name.includes('.before-restore-'))).toBe(
			true
		);
	});

	it('backs up a stopped data dir', async () => {
		const dataDir = await tempDir();
		const server = await start(dataDir);
		await signUp(new Client(server.origin), 'offline', PASSWORD);
		await server.stop();
		const backup = await runScript('backup', ['--out', await tempDir()], { DATA_DIR: dataDir });
		expect(backup.code).toBe(0);
		const users = JSON.parse(
			await fs.readFile(path.join(backupFolder(backup.stdout), 'users.json'), 'utf8')
		);
		expect(users.users.map((user: { username: string }) => user.username)).toEqual(['offline']);
	});

	it('refuses to restore a backup that was changed, and leaves the data dir alone', async () => {
		const dataDir = await tempDir();
		const server = await start(dataDir);
		await signUp(new Client(server.origin), 'keep', PASSWORD);
		const backup = await runScript('backup', ['--out', await tempDir()], { DATA_DIR: dataDir });
		await server.stop();
		const folder = backupFolder(backup.stdout);
		await fs.appendFile(path.join(folder, 'users.json'), ' ');
		const before = await fs.readFile(path.join(dataDir, 'users.json'), 'utf8');

		const restore = await runScript('restore', [folder], { DATA_DIR: dataDir });
		expect(restore.code).toBe(1);
		expect(restore.stderr).toContain('does not match the manifest');
		expect(await fs.readFile(path.join(dataDir, 'users.json'), 'utf8')).toBe(before);
	});

	it('explains its usage and exits 2 on a mistake', async () => {
		const result = await runScript('restore', [], { DATA_DIR: await tempDir() });
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('Usage: npm run restore');
	});
});

onPostgres('backup and restore of the database', () => {
	it('dumps a running database to a private file and restores it into the stopped one', async () => {
		const outDir = await tempDir();
		const server = await startServer();
		running.push(server);
		await signUp(new Client(server.origin), 'before', PASSWORD);
		const env = storeEnv(server.store);

		const backup = await runScript('backup', ['--out', outDir], env);
		expect(backup.stderr).toBe('');
		expect(backup.code).toBe(0);
		const file = /Backup written to (.+\.dump)/.exec(backup.stdout)?.[1] ?? '';
		expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
		expect((await fs.stat(file)).size).toBeGreaterThan(0);

		await signUp(new Client(server.origin), 'after', PASSWORD);
		expect(await server.stop()).toBe(0);
		const restore = await runScript('restore', [file], env);
		expect(restore.stderr).toBe('');
		expect(restore.code).toBe(0);

		const restarted = await startServer({ store: server.store });
		running.push(restarted);
		expect((await logIn(new Client(restarted.origin), 'before', PASSWORD)).status).toBe(303);
		expect((await logIn(new Client(restarted.origin), 'after', PASSWORD)).status).toBe(400);
	});
});
