import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import type { BenchServer } from './server';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface PageLoad {
	perSecond: number;
	p50: number;
	p99: number;
	errors: number;
	/** The server's CPU time (all its threads) per request served, in microseconds. */
	cpuMicrosPerRequest: number;
}

/** Loads one page for `seconds` with 50 connections, measuring the server's CPU time too. */
export async function loadPage(
	server: BenchServer,
	urlPath: string,
	seconds: number,
	headers: Record<string, string> = {}
): Promise<PageLoad> {
	const before = await server.report();
	const result = await autocannon({
		url: server.origin + urlPath,
		connections: 50,
		duration: seconds,
		headers
	});
	const after = await server.report();
	const served = result.requests.total;
	return {
		perSecond: served / (result.duration || seconds),
		p50: result.latency.p50,
		p99: result.latency.p99,
		errors: result.errors + result.timeouts + result.non2xx,
		cpuMicrosPerRequest: served > 0 ? (after.cpuMicros - before.cpuMicros) / served : NaN
	};
}

/**
 * People reading pages in the background: autocannon in a child process, so that it does not
 * share this process's event loop with the requests being timed here. Resolves with req/s.
 */
export function backgroundPages(
	origin: string,
	paths: Array<{ path: string; headers?: Record<string, string> }>,
	seconds: number,
	connections = 20
): Promise<number> {
	return Promise.all(
		paths.map(
			({ path: urlPath, headers = {} }) =>
				new Promise<number>((resolve, reject) => {
					const args = [
						path.join(ROOT, 'node_modules/autocannon/autocannon.js'),
						'--json',
						'-c',
						String(connections),
						'-d',
						String(seconds),
						...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
						origin + urlPath
					];
					const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
					let output = '';
					child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
					child.once('error', reject);
					child.once('exit', () => {
						try {
							const result = JSON.parse(output) as { requests: { average: number } };
							resolve(result.requests.average);
						} catch {
							reject(new Error(`autocannon gave no result: ${output.slice(0, 200)}`));
						}
					});
				})
		)
	).then((rates) => rates.reduce((sum, rate) => sum + rate, 0));
}

export interface Latencies {
	p50: number;
	p99: number;
	/** Requests that got the answer expected. */
	succeeded: number;
	sent: number;
}

/**
 * Sends `perSecond` requests at fixed times for `seconds`, whether or not earlier ones have
 * answered (an open loop, as people arrive), and times each one to its full answer.
 */
export async function steadyStream(
	perSecond: number,
	seconds: number,
	send: (n: number) => Promise<Response>,
	expectedStatus: number
): Promise<Latencies> {
	const times: number[] = [];
	let succeeded = 0;
	const started = performance.now();
	const inFlight: Promise<void>[] = [];
	for (let n = 0; n < perSecond * seconds; n++) {
		const due = started + (n * 1000) / perSecond;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
		inFlight.push(
			(async () => {
				const sentAt = performance.now();
				const response = await send(n);
				await response.arrayBuffer();
				times.push(performance.now() - sentAt);
				if (response.status === expectedStatus) succeeded++;
			})()
		);
	}
	await Promise.all(inFlight);
	times.sort((a, b) => a - b);
	const at = (quantile: number) =>
		times[Math.min(times.length - 1, Math.floor(quantile * times.length))] ?? NaN;
	return { p50: at(0.5), p99: at(0.99), succeeded, sent: times.length };
}

export function median<T>(values: T[], by: (value: T) => number): T {
	const sorted = [...values].sort((a, b) => by(a) - by(b));
	return sorted[Math.floor(sorted.length / 2)] as T;
}
