import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../tests/helpers/server';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchServer {
	origin: string;
	startupMs: number;
	child: ChildProcess;
	/** Asks the preloaded loop monitor: 'reset' or 'report'. */
	ask(
		message: 'reset' | 'report'
	): Promise<{ maxStallMs?: number; eldMaxMs?: number; rssBytes?: number }>;
	stop(): Promise<void>;
}

/** `node build` as in production, with the event-loop monitor preloaded and limits opened up. */
export async function startBenchServer(dataDir: string): Promise<BenchServer> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const started = performance.now();
	const child = spawn(
		process.execPath,
		[
			'--import',
			pathToFileURL(path.join(ROOT, 'bench/loop-monitor.mjs')).href,
			path.join(ROOT, 'build')
		],
		{
			cwd: ROOT,
			env: {
				PATH: process.env.PATH ?? '',
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: origin,
				DATA_DIR: dataDir,
				// one client address sends everything: per-address limits would measure themselves
				SIGNUP_MAX_PER_IP: '1000000000',
				LOGIN_MAX_FAILURES_PER_IP: '1000000000'
			},
			stdio: ['ignore', 'pipe', 'pipe', 'ipc']
		}
	);
	let output = '';
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	await new Promise<void>((resolve, reject) => {
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Listening on')) resolve();
		});
		child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
	});
	const startupMs = performance.now() - started;
	return {
		origin,
		startupMs,
		child,
		ask(message) {
			return new Promise((resolve) => {
				child.once('message', (reply) => resolve(reply as { maxStallMs?: number }));
				child.send(message);
			});
		},
		async stop() {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
}
