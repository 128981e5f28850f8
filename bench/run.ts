import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { rawVerifyThroughput } from './argon2-raw';
import { buildBareApp } from './bare-app';
import { backgroundPages, loadPage, median, steadyStream, type PageLoad } from './load';
import { BENCH_PASSWORD, seed } from './seed';
import { startBenchServer, type BenchServer } from './server';
import { startFlags } from './start-flags';

/*
 * npm run bench [-- --smoke] [-- --sizes 1000,10000] [-- --seconds 10] [-- --no-build]
 * Seeds N users and sessions, starts the production build (with the Node flags `npm start`
 * uses) next to a bare SvelteKit app of the same versions, measures what people feel, prints
 * a table and writes bench/results.json.
 */

const { values: options } = parseArgs({
	options: {
		smoke: { type: 'boolean', default: false },
		sizes: { type: 'string' },
		seconds: { type: 'string' },
		'no-build': { type: 'boolean', default: false }
	}
});
const smoke = options.smoke;
const sizes = (options.sizes ?? (smoke ? '200' : '1000,10000,100000')).split(',').map(Number);
const seconds = Number(options.seconds ?? (smoke ? 2 : 10));
/** People signing in (or up) per second while others read pages. */
const ARRIVALS_PER_SECOND = 10;
const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_FLAGS = await startFlags();

const post = (origin: string, fields: Record<string, string>) =>
	fetch(new URL(fields.confirmPassword ? '/signup' : '/login', origin), {
		method: 'POST',
		redirect: 'manual',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			origin,
			accept: 'text/html'
		},
		body: new URLSearchParams(fields)
	});

const progress = (step: string) => console.error(`  ${step} ...`);

/** Pages read in the background by 40 connections while `work` runs; returns both results. */
async function whilePagesAreRead<T>(server: BenchServer, cookie: string, work: () => Promise<T>) {
	const background = backgroundPages(
		server.origin,
		[{ path: '/home', headers: { cookie } }, { path: '/' }],
		seconds + 2
	);
	await new Promise((resolve) => setTimeout(resolve, 1000));
	const result = await work();
	return { result, pagesPerSecond: await background };
}

async function measure(size: number, appBuild: string, bareBuild: string) {
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `gatehouse-bench-${size}-`));
	const seeded = await seed(dataDir, size);
	const app = await startBenchServer({
		build: appBuild,
		nodeFlags: NODE_FLAGS,
		env: {
			DATA_DIR: dataDir,
			// one client address sends everything: per-address limits would measure themselves
			SIGNUP_MAX_PER_IP: '1000000000',
			LOGIN_MAX_FAILURES_PER_IP: '1000000000'
		}
	});
	const bare = await startBenchServer({ build: bareBuild, nodeFlags: NODE_FLAGS });
	const startupRss = (await app.report()).rssBytes;
	const cookie = `session=${seeded.token}`;
	try {
		// Alternating rounds, then the median of each: one run varies by 10-20% on its own.
		const rounds: Record<'bare' | 'anonymous' | 'signedInRoot' | 'home', PageLoad[]> = {
			bare: [],
			anonymous: [],
			signedInRoot: [],
			home: []
		};
		const phase = Math.max(1, seconds / 2);
		progress('pages');
		for (let round = 0; round < (smoke ? 1 : 3); round++) {
			rounds.bare.push(await loadPage(bare, '/', phase));
			rounds.anonymous.push(await loadPage(app, '/', phase));
			rounds.signedInRoot.push(await loadPage(app, '/', phase, { cookie }));
			rounds.home.push(await loadPage(app, '/home', phase, { cookie }));
		}
		await bare.stop();
		const pages = {
			bare: median(rounds.bare, (load) => load.perSecond),
			anonymous: median(rounds.anonymous, (load) => load.perSecond),
			signedInRoot: median(rounds.signedInRoot, (load) => load.perSecond),
			home: median(rounds.home, (load) => load.perSecond)
		};

		progress('logins and signups while pages are read');
		const user = (n: number) => `user${1 + (n % Math.max(1, size - 1))}`;
		const logins = await whilePagesAreRead(app, cookie, () =>
			steadyStream(
				ARRIVALS_PER_SECOND,
				seconds,
				(n) => post(app.origin, { username: user(n), password: BENCH_PASSWORD }),
				303
			)
		);
		const signups = await whilePagesAreRead(app, cookie, () =>
			steadyStream(
				ARRIVALS_PER_SECOND,
				seconds,
				(n) =>
					post(app.origin, {
						username: `new${size}x${n}`,
						password: BENCH_PASSWORD,
						confirmPassword: BENCH_PASSWORD
					}),
				303
			)
		);

		progress('login flood');
		// The login ceiling: a flood of logins, then the raw argon2 rate on the same machine at once.
		let loginNumber = 0;
		const flood = await autocannon({
			url: app.origin,
			connections: 50,
			duration: seconds,
			requests: [
				{
					method: 'POST',
					path: '/login',
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						origin: app.origin,
						accept: 'text/html'
					},
					setupRequest: (request) => ({
						...request,
						body: new URLSearchParams({
							username: user(loginNumber++),
							password: BENCH_PASSWORD
						}).toString()
					})
				}
			]
		});
		const loginsPerSecond = flood['3xx'] / (flood.duration || seconds);
		const rawVerifies = await rawVerifyThroughput(seeded.passwordHash, BENCH_PASSWORD, phase);

		progress('signup burst');
		await app.resetStalls();
		let burstNumber = 0;
		await autocannon({
			url: app.origin,
			connections: 20,
			amount: smoke ? 20 : 200,
			requests: [
				{
					method: 'POST',
					path: '/signup',
					headers: {
						'content-type': 'application/x-www-form-urlencoded',
						origin: app.origin,
						accept: 'text/html'
					},
					setupRequest: (request) => ({
						...request,
						body: new URLSearchParams({
							username: `burst${size}x${burstNumber++}`,
							password: BENCH_PASSWORD,
							confirmPassword: BENCH_PASSWORD
						}).toString()
					})
				}
			]
		});
		const afterLoad = await app.report();

		return {
			size,
			pages,
			signedInToAnonymous: pages.signedInRoot.perSecond / pages.anonymous.perSecond,
			homeToAnonymous: pages.home.perSecond / pages.anonymous.perSecond,
			anonymousToBare: pages.anonymous.perSecond / pages.bare.perSecond,
			login: { ...logins.result, pagesPerSecond: logins.pagesPerSecond },
			signup: { ...signups.result, pagesPerSecond: signups.pagesPerSecond },
			loginsPerSecond,
			rawVerifiesPerSecond: rawVerifies,
			signupBurstMaxStallMs: afterLoad.maxStallMs,
			signupBurstEldMaxMs: afterLoad.eldMaxMs,
			startupMs: app.startupMs,
			startupRssMb: startupRss / 2 ** 20,
			rssAfterLoadMb: afterLoad.rssBytes / 2 ** 20,
			heapAfterLoadMb: afterLoad.heapUsedBytes / 2 ** 20
		};
	} finally {
		await bare.stop().catch(() => {});
		await app.stop();
		await fs.rm(dataDir, { recursive: true, force: true });
	}
}

type Result = Awaited<ReturnType<typeof measure>>;

function targets(result: Result): string[] {
	const misses: string[] = [];
	if (result.login.p99 > 500) misses.push('login p99 > 500 ms');
	if (result.signup.p99 > 500) misses.push('signup p99 > 500 ms');
	if (result.signedInToAnonymous < 0.97) misses.push('signed-in / < 0.97x');
	if (result.homeToAnonymous < 0.9) misses.push('/home < 0.9x /');
	if (result.anonymousToBare < 0.9) misses.push('/ < 0.9x bare');
	if (result.signupBurstMaxStallMs > 25) misses.push('stall > 25 ms');
	if (result.size <= 100_000 && result.startupMs > 1500) misses.push('start-up > 1.5 s');
	if (result.size <= 100_000 && result.rssAfterLoadMb > 450) misses.push('RSS after load > 450 MB');
	return misses;
}

function printTable(results: Result[]): void {
	const f = (value: number, digits = 0) => value.toFixed(digits);
	const page = (load: PageLoad) =>
		`${f(load.perSecond)} (${load.p50}/${load.p99}) ${f(load.cpuMicrosPerRequest)} µs`;
	const rows: Array<[string, (r: Result) => string]> = [
		['bare SvelteKit / req/s (p50/p99 ms) CPU/req', (r) => page(r.pages.bare)],
		['anonymous /', (r) => page(r.pages.anonymous)],
		['signed-in /', (r) => page(r.pages.signedInRoot)],
		['signed-in /home', (r) => page(r.pages.home)],
		['anonymous / vs bare (>= 0.9)', (r) => f(r.anonymousToBare, 2)],
		['signed-in / vs anonymous / (>= 0.97)', (r) => f(r.signedInToAnonymous, 2)],
		['/home vs anonymous / (>= 0.9)', (r) => f(r.homeToAnonymous, 2)],
		[
			`login p50/p99 ms, ${ARRIVALS_PER_SECOND}/s while pages are read (< 500)`,
			(r) => `${f(r.login.p50)} / ${f(r.login.p99)} (${r.login.succeeded}/${r.login.sent} ok)`
		],
		[
			`signup p50/p99 ms, ${ARRIVALS_PER_SECOND}/s while pages are read (< 500)`,
			(r) => `${f(r.signup.p50)} / ${f(r.signup.p99)} (${r.signup.succeeded}/${r.signup.sent} ok)`
		],
		[
			'  pages/s served meanwhile (logins / signups)',
			(r) => `${f(r.login.pagesPerSecond)} / ${f(r.signup.pagesPerSecond)}`
		],
		['logins/s under a login flood', (r) => f(r.loginsPerSecond, 1)],
		['raw argon2 verifies/s right after (2 in flight)', (r) => f(r.rawVerifiesPerSecond, 1)],
		['longest event-loop stall, signup burst (< 25 ms)', (r) => f(r.signupBurstMaxStallMs, 1)],
		['start-up (< 1.5 s at 100k)', (r) => `${f(r.startupMs)} ms`],
		[
			'RSS after start / after load (< 450 MB); heap',
			(r) => `${f(r.startupRssMb)} / ${f(r.rssAfterLoadMb)}; ${f(r.heapAfterLoadMb)} MB`
		],
		['targets missed', (r) => targets(r).join('; ') || 'none']
	];
	const header = ['N users + sessions', ...results.map((r) => r.size.toLocaleString('en'))];
	const lines = [header, ...rows.map(([label, cell]) => [label, ...results.map(cell)])];
	const widths = header.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
	for (const line of lines) {
		console.log(line.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
	}
}

if (!options['no-build']) {
	execFileSync(path.join(ROOT, 'node_modules/.bin/vite'), ['build'], {
		cwd: ROOT,
		stdio: 'ignore'
	});
}
console.error('Building the bare SvelteKit app ...');
const bareBuild = await buildBareApp();
const results: Result[] = [];
for (const size of sizes) {
	console.error(`Measuring N = ${size} ...`);
	results.push(await measure(size, path.join(ROOT, 'build'), bareBuild));
}
printTable(results);
const machine = {
	cpu: os.cpus()[0]?.model ?? 'unknown',
	cores: os.cpus().length,
	memoryGb: Math.round(os.totalmem() / 2 ** 30),
	node: process.version,
	nodeFlags: NODE_FLAGS,
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
	`\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node} ${NODE_FLAGS.join(' ')}`
);
