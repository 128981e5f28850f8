import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../tests/helpers/server';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Report {
	maxStallMs: number;
	eldMaxMs: number;
	cpuMicros: number;
	rssBytes: number;
	heapUsedBytes: number;
}

export interface BenchServer {
	origin: string;
	startupMs: number;
	/** Asks the preloaded monitor: 'reset' clears the stall probe, 'report' reads everything. */
	report(): Promise<Report>;
	resetStalls(): Promise<void>;
	stop(): Promise<void>;
}

export interface BenchServerOptions {
	/** The adapter-node output to run. */
	build: string;
	env?: Record<string, string>;
	/** Node flags, as `npm start` passes them. */
	nodeFlags?: string[];
}

/** A built app as in production, on a free port, with the monitor preloaded. */
export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const started = performance.now();
	const child = spawn(
		process.execPath,
		[
			...(options.nodeFlags ?? []),
			'--import',
			pathToFileURL(path.join(ROOT, 'bench/loop-monitor.mjs')).href,
			options.build
		],
		{
			cwd: ROOT,
			env: {
				PATH: process.env.PATH ?? '',
				HOST: '127.0.0.1',
				PORT: String(port),
				ORIGIN: origin,
				...options.env
			},
			stdio: ['ignore', 'pipe', 'pipe', 'ipc']
		}
	);
	let output = '';
	child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
	if (process.env.BENCH_SERVER_LOG) {
		const { createWriteStream } = await import('node:fs');
		const log = createWriteStream(process.env.BENCH_SERVER_LOG);
		child.stdout?.pipe(log);
		child.stderr?.pipe(log);
	}
	await new Promise<void>((resolve, reject) => {
		child.stdout?.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Listening on')) resolve();
		});
		child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
	});
	const startupMs = performance.now() - started;
	const ask = <T>(message: string) =>
		new Promise<T>((resolve) => {
			child.once('message', (reply) => resolve(reply as T));
			child.send(message);
		});
	return {
		origin,
		startupMs,
		report: () => ask<Report>('report'),
		resetStalls: () => ask<void>('reset'),
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
}
