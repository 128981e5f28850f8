import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase } from './postgres-admin';
import { freePort } from './server';

/** The newest PostgreSQL server binaries Debian installed, or a loud failure saying how to get them. */
function serverBinaries(): string {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs.readdirSync(root).filter((name) => fs.existsSync(path.join(root, name, 'bin/initdb')))
		: [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) {
		throw new Error(
			'PostgreSQL is not installed: run `apt-get install -y postgresql` (.ci/run does this)'
		);
	}
	return path.join(root, newest, 'bin');
}

export interface TestPostgres {
	/** The cluster's administrative URL (database `postgres`). */
	url: string;
	port: number;
	/** A new, empty database; returns its URL. */
	createDatabase(prefix?: string): Promise<string>;
	/** Stops the server abruptly (for fault tests); `start` brings it back on the same port. */
	stop(): void;
	start(): void;
	/** Stops it and removes every file. */
	destroy(): void;
}

/**
 * A throwaway PostgreSQL cluster on a free loopback port, for tests: `initdb` refuses to run as
 * root, so the cluster belongs to the `postgres` user and lives in a temp directory with its
 * socket. fsync is off (tests never pull the plug on the machine; a killed server keeps what
 * it committed, since commits still reach the operating system).
 */
export async function startTestPostgres({ durable = false } = {}): Promise<TestPostgres> {
	const bin = serverBinaries();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pg-'));
	const data = path.join(dir, 'data');
	const asRoot = process.getuid?.() === 0;
	const run = (command: string, args: string[]) =>
		execFileSync(
			asRoot ? 'runuser' : path.join(bin, command),
			asRoot ? ['-u', 'postgres', '--', path.join(bin, command), ...args] : args,
			{ stdio: ['ignore', 'pipe', 'pipe'] }
		);
	if (asRoot) execFileSync('chown', ['postgres:', dir]);
	run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
	const port = await freePort();
	const options = [
		`-p ${port}`,
		`-k ${dir}`,
		"-c listen_addresses='127.0.0.1'",
		// the benchmark measures PostgreSQL as shipped; tests skip the flushes
		...(durable ? [] : ['-c fsync=off']),
		'-c max_connections=300'
	].join(' ');
	const start = () =>
		run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
	const stop = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
	start();
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	return {
		url,
		port,
		createDatabase: (prefix) => createDatabase(url, prefix),
		stop,
		start,
		destroy() {
			try {
				stop();
			} catch {
				// already stopped
			}
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}
