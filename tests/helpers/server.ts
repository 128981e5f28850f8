import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { newStoreLocation, storeEnv, type StoreLocation } from './backend';

const ROOT = path.resolve(import.meta.dirname, '../..');
/**
 * The tests' own build (`npm run build:test`, which npm test runs), never build/: rebuilding that
 * under a running `npm start` broke it.
 */
export const TEST_BUILD_DIR = 'build-test';
const BUILD_ENTRY = path.join(ROOT, TEST_BUILD_DIR, 'index.js');

export interface RunningServer {
	origin: string;
	/** Where it keeps its data; pass it to another server to start on the same data. */
	store: StoreLocation;
	dataDir: string;
	process: ChildProcess;
	/** Everything the server printed so far. */
	output(): string;
	/** SIGTERM (graceful) and wait for exit. */
	stop(): Promise<number | null>;
	/** SIGKILL: a crash, no chance to finish writes. */
	kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

export interface ServerOptions {
	/** The data to start on (another server's, to restart); a fresh place if not given. */
	store?: StoreLocation;
	/** A data directory of the test's own choosing (JSON backend tests). */
	dataDir?: string;
	env?: Record<string, string>;
	/** Start as `npm start` does (scripts/start.js), with no ORIGIN, as a first-time user would. */
	asNpmStart?: boolean;
}

/** Runs `node build` on a free port and fresh data (of the backend under test), as an operator would. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
	if (!existsSync(BUILD_ENTRY)) {
		throw new Error(
			'No test build found: run `npm run build:test` (npm test does this) before HTTP tests'
		);
	}
	const given = options.store ?? (await newStoreLocation());
	const store = options.dataDir ? { ...given, dataDir: options.dataDir } : given;
	const port = await freePort();
	const origin = options.asNpmStart ? `http://localhost:${port}` : `http://127.0.0.1:${port}`;
	const entry = options.asNpmStart ? path.join(ROOT, 'scripts/start.js') : BUILD_ENTRY;
	const child = spawn(process.execPath, [entry], {
		cwd: ROOT,
		env: {
			PATH: process.env.PATH ?? '',
			HOST: '127.0.0.1',
			PORT: String(port),
			...(options.asNpmStart ? { GATEHOUSE_BUILD_DIR: TEST_BUILD_DIR } : { ORIGIN: origin }),
			...storeEnv(store),
			// Every test client comes from 127.0.0.1: per-address limits would stop the storm and
			// crash tests. The security suite sets them explicitly to test them.
			SIGNUP_MAX_PER_IP: '1000000',
			LOGIN_MAX_FAILURES_PER_IP: '1000000',
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	const exited = new Promise<number | null>((resolve) =>
		child.once('exit', (code) => resolve(code))
	);

	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`Server did not start:\n${output}`)), 20_000);
		const check = () => {
			if (output.includes('Listening on')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', check);
		void exited.then((code) => {
			clearTimeout(timer);
			reject(new ServerExitedError(code, output));
		});
	});

	return {
		origin,
		store,
		dataDir: store.dataDir,
		process: child,
		output: () => output,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			return exited;
		},
		async kill() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
			await exited;
		}
	};
}

export class ServerExitedError extends Error {
	constructor(
		readonly code: number | null,
		readonly output: string
	) {
		super(`Server exited with code ${code}:\n${output}`);
	}
}

/** Starts a server that is expected to refuse to start; resolves with its exit code and output. */
export async function expectStartFailure(
	options: ServerOptions
): Promise<{ code: number | null; output: string }> {
	try {
		const server = await startServer(options);
		await server.kill();
	} catch (error) {
		if (error instanceof ServerExitedError) return { code: error.code, output: error.output };
		throw error;
	}
	throw new Error('The server started, but it was expected to refuse');
}
