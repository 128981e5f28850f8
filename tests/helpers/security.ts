import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Client, signUp } from './client';
import { startServer, type RunningServer, type ServerOptions } from './server';
import { removeDir } from './temp-dir';

export const PASSWORD = 'correct horse battery';
export const NEW_PASSWORD = 'staple purple lantern';
export const INCORRECT = 'Incorrect username or password';
export const EVIL_ORIGIN = 'https://evil.example';

let counter = 0;
/** A username no other test of this process uses (3 to 32 characters of a-z 0-9). */
export const uniqueName = (base = 'user') =>
	`${base}${process.pid % 1000}x${Date.now() % 100_000}x${counter++}`;

/** One server for a whole file, for tests that need no special settings. */
export function useSharedServer(options: ServerOptions = {}): () => RunningServer {
	let server: RunningServer | null = null;
	beforeAll(async () => {
		server = await startServer(options);
	});
	afterAll(async () => {
		if (!server) return;
		await server.stop();
		await removeDir(server.dataDir);
	});
	return () => {
		if (!server) throw new Error('useSharedServer: no server outside a test');
		return server;
	};
}

/**
 * Servers a test starts itself (special settings, restarts). Each one is stopped after the
 * test; data directories are removed unless `keepDir` asks to reuse one across a restart.
 */
export function useOwnServers(): (options?: ServerOptions) => Promise<RunningServer> {
	const running: RunningServer[] = [];
	const dirs = new Set<string>();
	afterEach(async () => {
		await Promise.all(running.splice(0).map((server) => server.kill()));
		await Promise.all([...dirs].map(removeDir));
		dirs.clear();
	});
	return async (options = {}) => {
		const server = await startServer(options);
		running.push(server);
		dirs.add(server.dataDir);
		return server;
	};
}

/**
 * Signs up the first account of a fresh data directory, which becomes the admin, so that the
 * accounts a test creates afterwards are ordinary users.
 */
export async function signUpAdmin(server: RunningServer, username = 'theadmin'): Promise<Client> {
	const admin = new Client(server.origin);
	const response = await signUp(admin, username, PASSWORD);
	if (response.status !== 303) throw new Error(`Admin signup failed: ${response.status}`);
	return admin;
}

/** A signed-in ordinary user (an admin must exist already). */
export async function signedInUser(
	server: RunningServer,
	username = uniqueName(),
	password = PASSWORD
): Promise<{ client: Client; username: string }> {
	const client = new Client(server.origin);
	const response = await signUp(client, username, password);
	if (response.status !== 303) throw new Error(`Signup of ${username} failed: ${response.status}`);
	return { client, username };
}

/** What the server stores for a token: its SHA-256, hex. */
export const sessionIdOf = (token: string): string =>
	createHash('sha256').update(token).digest('hex');

/** The Set-Cookie line for one cookie name, if the response sets it. */
export function setCookieLine(response: Response, name: string): string | undefined {
	return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** The value a Set-Cookie line gives a cookie ('' for a deletion). */
export function setCookieValue(response: Response, name: string): string | undefined {
	const line = setCookieLine(response, name);
	return line === undefined ? undefined : line.slice(name.length + 1).split(';')[0];
}

/** Session tokens (the cookie values, never deletions) a response hands out. */
function sessionTokensIn(response: Response): string[] {
	return response.headers
		.getSetCookie()
		.map((line) => /^(?:__Host-)?session=([^;]*)/.exec(line)?.[1] ?? '')
		.filter((token) => token !== '');
}

/** A Client that remembers every session token the server ever handed it. */
export class RecordingClient extends Client {
	readonly tokensSeen = new Set<string>();

	override async request(requestPath: string, init: RequestInit = {}): Promise<Response> {
		const response = await super.request(requestPath, init);
		for (const token of sessionTokensIn(response)) this.tokensSeen.add(token);
		return response;
	}
}

/** SvelteKit's per-response parts of a page: the CSP nonce and the app's global name. */
export function withoutPerResponseParts(html: string): string {
	return html
		.replace(/nonce="[^"]*"/g, 'nonce=""')
		.replace(/__sveltekit_[a-z0-9]+/g, '__sveltekit_');
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1
		? (sorted[middle] ?? 0)
		: ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** How long one response takes to arrive in full, in milliseconds. */
export async function timed(send: () => Promise<Response>): Promise<number> {
	const start = performance.now();
	const response = await send();
	await response.arrayBuffer();
	return performance.now() - start;
}

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/**
 * A POST over node:http with `Transfer-Encoding: chunked`, so the body declares no length:
 * what fetch cannot send, but any client can.
 */
export function postChunked(
	origin: string,
	requestPath: string,
	chunks: Iterable<string | Buffer>,
	headers: Record<string, string> = {}
): Promise<RawResponse> {
	const url = new URL(requestPath, origin);
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: url.hostname,
				port: url.port,
				path: url.pathname + url.search,
				method: 'POST',
				headers: {
					origin,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded',
					'transfer-encoding': 'chunked',
					...headers
				}
			},
			(response) => {
				const parts: Buffer[] = [];
				response.on('data', (chunk: Buffer) => parts.push(chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode ?? 0,
						headers: response.headers,
						body: Buffer.concat(parts).toString('utf8')
					})
				);
				response.on('error', reject);
			}
		);
		// The server may answer and close before reading everything: that is an answer too.
		request.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
		});
		for (const chunk of chunks) request.write(chunk);
		request.end();
	});
}

/** Whether the client's cookies open /home, the simplest page behind login. */
export async function isSignedIn(client: Client): Promise<boolean> {
	const response = await client.get('/home');
	await response.arrayBuffer();
	return response.status === 200;
}

/** Whether the server still answers a plain page: after hostile input it must keep serving. */
export async function stillServing(server: RunningServer): Promise<boolean> {
	const response = await new Client(server.origin).get('/login');
	await response.arrayBuffer();
	return response.status === 200;
}
