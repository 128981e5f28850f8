import { execFileSync, execSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { rawVerifyThroughput } from './argon2-raw';
import { BENCH_PASSWORD, seed } from './seed';
import { startBenchServer, type BenchServer } from './server';

/*
 * npm run bench [-- --smoke] [-- --sizes 1000,10000] [-- --seconds 10] [-- --no-build]
 * Seeds N users and sessions, starts the production build, loads it with autocannon from this
 * process, prints a table and writes bench/results.json.
 */

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const option = (name: string) => {
	const index = args.indexOf(`--${name}`);
	return index >= 0 ? args[index + 1] : undefined;
};
const sizes = (option('sizes') ?? (smoke ? '200' : '1000,10000,100000')).split(',').map(Number);
const seconds = Number(option('seconds') ?? (smoke ? 1 : 10));
const ROOT = path.resolve(import.meta.dirname, '..');

interface Load {
	perSecond: number;
	p50: number;
	p99: number;
	errors: number;
}

async function load(
	server: BenchServer,
	options: Partial<autocannon.Options> & { path: string; count?: 'all' | '3xx' }
): Promise<Load> {
	const { path: urlPath, count = 'all', ...rest } = options;
	const result = await autocannon({
		url: server.origin + urlPath,
		connections: 50,
		duration: seconds,
		...rest
	});
	const counted = count === '3xx' ? result['3xx'] : result.requests.total;
	return {
		perSecond: counted / (result.duration || seconds),
		p50: result.latency.p50,
		p99: result.latency.p99,
		errors: result.errors + result.timeouts + result['5xx']
	};
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

function median(loads: Load[]): Load {
	const sorted = [...loads].sort((a, b) => a.perSecond - b.perSecond);
	return sorted[Math.floor(sorted.length / 2)] ?? (loads[0] as Load);
}

async function measure(size: number) {
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `gatehouse-bench-${size}-`));
	const seeded = await seed(dataDir, size);
	const server = await startBenchServer(dataDir);
	const startupRss = (await server.ask('report')).rssBytes ?? 0;
	const cookie = { cookie: `session=${seeded.token}` };
	const post = (origin: string) => ({
		'content-type': 'application/x-www-form-urlencoded',
		origin,
		accept: 'text/html'
	});
	try {
		// Alternating rounds, then the median of each: one 10 s run varies by 10-20% on its own.
		const anonymousRounds: Load[] = [];
		const authenticatedRounds: Load[] = [];
		for (let round = 0; round < 3; round++) {
			anonymousRounds.push(await load(server, { path: '/', duration: Math.max(1, seconds / 2) }));
			authenticatedRounds.push(
				await load(server, { path: '/home', headers: cookie, duration: Math.max(1, seconds / 2) })
			);
		}
		const anonymous = median(anonymousRounds);
		const authenticated = median(authenticatedRounds);

		const users = JSON.parse(await fs.readFile(path.join(dataDir, 'users.json'), 'utf8'));
		const rawVerifies = await rawVerifyThroughput(
			users.users[0].passwordHash,
			BENCH_PASSWORD,
			seconds
		);
		// Many people logging in, not one account hammered: more than LOGIN_MAX_FAILURES attempts
		// in flight for one username are refused by design.
		let loginNumber = 0;
		const loginRequest = {
			method: 'POST' as const,
			path: '/login',
			headers: post(server.origin),
			setupRequest: (request: autocannon.Request) => ({
				...request,
				body: form({
					username: `user${loginNumber++ % Math.min(size, 5000)}`,
					password: BENCH_PASSWORD
				})
			})
		};
		const login = await load(server, { path: '/', requests: [loginRequest], count: '3xx' });

		const [pageDuringLogins] = await Promise.all([
			load(server, { path: '/home', headers: cookie, connections: 10 }),
			load(server, { path: '/', requests: [loginRequest] })
		]);
		let signupNumber = 0;
		const signupRequest = {
			method: 'POST' as const,
			path: '/signup',
			headers: post(server.origin),
			setupRequest: (request: autocannon.Request) => ({
				...request,
				body: form({
					username: `burst${size}x${signupNumber++}`,
					password: BENCH_PASSWORD,
					confirmPassword: BENCH_PASSWORD
				})
			})
		};
		const [pageDuringSignups] = await Promise.all([
			load(server, { path: '/home', headers: cookie, connections: 10 }),
			autocannon({
				url: server.origin,
				connections: 50,
				duration: seconds,
				requests: [signupRequest]
			})
		]);

		await server.ask('reset');
		await autocannon({
			url: server.origin,
			connections: 20,
			amount: smoke ? 20 : 200,
			requests: [signupRequest]
		});
		const stallReport = await server.ask('report');
		const stall = stallReport.maxStallMs ?? NaN;
		const eldStall = stallReport.eldMaxMs ?? NaN;
		const plain = JSON.parse(
			execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), [
				path.join(ROOT, 'bench/plain-lowdb.ts'),
				path.join(dataDir, 'users.json')
			]).toString()
		) as { readMs: number; writeStallMs: number };
		const peakRss = (await server.ask('report')).rssBytes ?? 0;

		return {
			size,
			anonymous,
			authenticated,
			authToAnonRatio: authenticated.perSecond / anonymous.perSecond,
			rawVerifiesPerSecond: rawVerifies,
			login,
			loginToRawRatio: login.perSecond / rawVerifies,
			pageP99DuringLoginFloodMs: pageDuringLogins.p99,
			pageP99DuringSignupFloodMs: pageDuringSignups.p99,
			signupBurstMaxStallMs: stall,
			signupBurstEldMaxMs: eldStall,
			plainLowdbWriteStallMs: plain.writeStallMs,
			plainLowdbReadMs: plain.readMs,
			startupMs: server.startupMs,
			startupRssMb: startupRss / 2 ** 20,
			rssAfterLoadMb: peakRss / 2 ** 20
		};
	} finally {
		await server.stop();
		await fs.rm(dataDir, { recursive: true, force: true });
	}
}

type Result = Awaited<ReturnType<typeof measure>>;

function targets(result: Result): string[] {
	const misses: string[] = [];
	if (result.authToAnonRatio < 0.95) misses.push('auth/anon < 0.95');
	if (result.loginToRawRatio < 0.9) misses.push('login/raw argon2 < 0.9');
	if (result.pageP99DuringLoginFloodMs > 100) misses.push('page p99 during login flood > 100 ms');
	if (result.size <= 100_000 && result.signupBurstMaxStallMs > 25) misses.push('stall > 25 ms');
	if (result.size <= 100_000 && result.startupMs > 1500) misses.push('startup > 1.5 s');
	if (result.size <= 100_000 && result.startupRssMb > 400) misses.push('RSS at start > 400 MB');
	return misses;
}

function printTable(results: Result[]): void {
	const f = (value: number, digits = 0) => value.toFixed(digits);
	const rows: Array<[string, (r: Result) => string]> = [
		[
			'anonymous / req/s (p50/p99 ms)',
			(r) => `${f(r.anonymous.perSecond)} (${r.anonymous.p50}/${r.anonymous.p99})`
		],
		[
			'authenticated /home req/s (p50/p99 ms)',
			(r) => `${f(r.authenticated.perSecond)} (${r.authenticated.p50}/${r.authenticated.p99})`
		],
		['auth / anon throughput', (r) => f(r.authToAnonRatio, 2)],
		['raw argon2 verifies/s (2 in flight)', (r) => f(r.rawVerifiesPerSecond, 1)],
		[
			'logins/s under flood (p50/p99 ms)',
			(r) => `${f(r.login.perSecond, 1)} (${r.login.p50}/${r.login.p99})`
		],
		['login / raw argon2', (r) => f(r.loginToRawRatio, 2)],
		['/home p99 during login flood (ms)', (r) => f(r.pageP99DuringLoginFloodMs)],
		['/home p99 during signup flood (ms)', (r) => f(r.pageP99DuringSignupFloodMs)],
		['max event-loop stall, signup burst (ms)', (r) => f(r.signupBurstMaxStallMs, 1)],
		['  (monitorEventLoopDelay max, under-reports)', (r) => f(r.signupBurstEldMaxMs, 1)],
		['plain lowdb: one write() stall (ms)', (r) => f(r.plainLowdbWriteStallMs, 1)],
		['plain lowdb: read (ms)', (r) => f(r.plainLowdbReadMs)],
		['start-up (ms)', (r) => f(r.startupMs)],
		[
			'RSS after start / after all load (MB)',
			(r) => `${f(r.startupRssMb)} / ${f(r.rssAfterLoadMb)}`
		],
		['targets missed', (r) => targets(r).join('; ') || 'none']
	];
	const header = ['N users + sessions', ...results.map((r) => r.size.toLocaleString('en'))];
	const lines = [header, ...rows.map(([label, cell]) => [label, ...results.map(cell)])];
	const widths = header.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
	for (const line of lines)
		console.log(line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
}

if (!args.includes('--no-build')) execSync('npx vite build', { cwd: ROOT, stdio: 'ignore' });
const results: Result[] = [];
for (const size of sizes) {
	console.error(`Measuring N = ${size} ...`);
	results.push(await measure(size));
}
printTable(results);
const machine = {
	cpu: os.cpus()[0]?.model ?? 'unknown',
	cores: os.cpus().length,
	memoryGb: Math.round(os.totalmem() / 2 ** 30),
	node: process.version,
	date: new Date().toISOString(),
	secondsPerPhase: seconds
};
if (!smoke) {
	await fs.writeFile(
		path.join(ROOT, 'bench/results.json'),
		JSON.stringify({ machine, results }, null, '\t') + '\n'
	);
}
console.log(
	`\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}`
);
