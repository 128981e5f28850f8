import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { rawVerifyThroughput } from './argon2-raw';
import { buildBareApp } from './bare-app';
import { backgroundPages, loadPage, median, steadyStream, type PageLoad } from './load';
import { startTestPostgres, type TestPostgres } from '../tests/helpers/postgres';
import { BENCH_APP_URL, BENCH_PASSWORD, seedDatabase, seedFiles } from './seed';
import { startBenchServer, type BenchServer } from './server';
import { startFlags } from './start-flags';

/*
 * npm run bench [-- --smoke] [-- --sizes 1000,10000] [-- --seconds 10] [-- --no-build]
 *               [-- --store json|postgres|both]
 * Seeds N users and sessions, starts the production build (with the Node flags `npm start`
 * uses) next to a bare SvelteKit app of the same versions, measures what people feel, prints
 * a table and writes bench/results.json. PostgreSQL runs in a throwaway cluster with its
 * default (durable) settings.
 */

const { values: options } = parseArgs({
	options: {
		smoke: { type: 'boolean', default: false },
		sizes: { type: 'string' },
		seconds: { type: 'string' },
		'no-build': { type: 'boolean', default: false },
		store: { type: 'string', default: 'json' }
	}
});
if (!['json', 'postgres', 'both'].includes(options.store)) {
	throw new Error(`--store is json, postgres or both, not ${options.store}`);
}
const stores: Store[] = options.store === 'both' ? ['json', 'postgres'] : [options.store as Store];
const smoke = options.smoke;
const sizes = (options.sizes ?? (smoke ? '200' : '1000,10000,100000')).split(',').map(Number);
const seconds = Number(options.seconds ?? (smoke ? 2 : 10));
/** People signing in (or up) per second while others read pages. */
const ARRIVALS_PER_SECOND = 10;
const ROOT = path.resolve(import.meta.dirname, '..');
const NODE_FLAGS = await startFlags();

/**
 * People sign in from many addresses. The servers run as behind a reverse proxy (ADDRESS_HEADER),
 * and each sign-in names one of 250 client addresses: from a single address every attempt would
 * queue on that address's failure counter (a flood from one address is measured separately).
 */
const clientAddress = (n: number) => `198.18.${Math.floor(n / 250) % 4}.${n % 250}`;

const formHeaders = (origin: string, n: number) => ({
	'content-type': 'application/x-www-form-urlencoded',
	origin,
	accept: 'text/html',
	'x-forwarded-for': clientAddress(n)
});

const post = (origin: string, n: number, fields: Record<string, string>) =>
	fetch(new URL(fields.confirmPassword ? '/signup' : '/login', origin), {
		method: 'POST',
		redirect: 'manual',
		headers: formHeaders(origin, n),
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

type Store = 'json' | 'postgres';

/**
 * Form posts from 50 (or `connections`) connections at once, for `duration` seconds or until
 * `amount` were sent; each from its own client address unless `oneAddress`. Returns the 303s a
 * second.
 */
async function formFlood(
	server: BenchServer,
	urlPath: string,
	options: { duration?: number; amount?: number; connections?: number; oneAddress?: boolean },
	fields: (n: number) => Record<string, string>
): Promise<number> {
	let n = 0;
	const result = await autocannon({
		url: server.origin,
		connections: options.connections ?? 50,
		...(options.amount ? { amount: options.amount } : { duration: options.duration }),
		requests: [
			{
				method: 'POST',
				path: urlPath,
				setupRequest: (request) => {
					const number = n++;
					return {
						...request,
						headers: formHeaders(server.origin, options.oneAddress ? 0 : number),
						body: new URLSearchParams(fields(number)).toString()
					};
				}
			}
		]
	});
	return result['3xx'] / (result.duration || options.duration || 1);
}

async function measure(
	size: number,
	store: Store,
	cluster: TestPostgres | null,
	appBuild: string,
	bareBuild: string
) {
	const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `gatehouse-bench-${size}-`));
	const databaseUrl = cluster ? await cluster.createDatabase('bench') : null;
	const seeded = databaseUrl
		? await seedDatabase(databaseUrl, size)
		: await seedFiles(dataDir, size);
	const app = await startBenchServer({
		build: appBuild,
		nodeFlags: NODE_FLAGS,
		env: {
			DATA_DIR: dataDir,
			...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
			// one client address sends everything: per-address limits would measure themselves
			ADDRESS_HEADER: 'x-forwarded-for',
			XFF_DEPTH: '1',
			SIGNUP_MAX_PER_IP: '1000000000',
			LOGIN_MAX_FAILURES_PER_IP: '1000000000'
		}
	});
	const bare = await startBenchServer({ build: bareBuild, nodeFlags: NODE_FLAGS });
	const startupRss = (await app.report()).rssBytes;
	const cookie = `session=${seeded.token}`;
	try {
		// Alternating rounds, then the median of each: one run varies by 10-20% on its own.
		const rounds: Record<'bare' | 'anonymous' | 'signedInRoot' | 'home' | 'verify', PageLoad[]> = {
			bare: [],
			anonymous: [],
			signedInRoot: [],
			home: [],
			verify: []
		};
		const phase = Math.max(1, seconds / 2);
		progress('pages');
		for (let round = 0; round < (smoke ? 1 : 3); round++) {
			rounds.bare.push(await loadPage(bare, '/', phase));
			rounds.anonymous.push(await loadPage(app, '/', phase));
			rounds.signedInRoot.push(await loadPage(app, '/', phase, { cookie }));
			rounds.home.push(await loadPage(app, '/home', phase, { cookie }));
			// What nginx asks before each request to a protected app, for someone who may enter.
			rounds.verify.push(
				await loadPage(app, '/auth/verify', phase, { cookie, 'x-original-url': BENCH_APP_URL })
			);
		}
		await bare.stop();
		const pages = {
			bare: median(rounds.bare, (load) => load.perSecond),
			anonymous: median(rounds.anonymous, (load) => load.perSecond),
			signedInRoot: median(rounds.signedInRoot, (load) => load.perSecond),
			home: median(rounds.home, (load) => load.perSecond),
			verify: median(rounds.verify, (load) => load.perSecond)
		};

		progress('logins and signups while pages are read');
		const user = (n: number) => `user${1 + (n % Math.max(1, size - 1))}`;
		const logins = await whilePagesAreRead(app, cookie, () =>
			steadyStream(
				ARRIVALS_PER_SECOND,
				seconds,
				(n) => post(app.origin, n, { username: user(n), password: BENCH_PASSWORD }),
				303
			)
		);
		const signups = await whilePagesAreRead(app, cookie, () =>
			steadyStream(
				ARRIVALS_PER_SECOND,
				seconds,
				(n) =>
					post(app.origin, n, {
						username: `new${size}x${n}`,
						password: BENCH_PASSWORD,
						confirmPassword: BENCH_PASSWORD
					}),
				303
			)
		);

		progress('login flood');
		// The login ceiling: a flood of logins, then the raw argon2 rate on the same machine at once.
		const loginsPerSecond = await formFlood(app, '/login', { duration: seconds }, (n) => ({
			username: user(n),
			password: BENCH_PASSWORD
		}));
		const rawVerifies = await rawVerifyThroughput(seeded.passwordHash, BENCH_PASSWORD, phase);
		const oneAddressLoginsPerSecond = await formFlood(
			app,
			'/login',
			{ duration: phase, oneAddress: true },
			(n) => ({ username: user(n), password: BENCH_PASSWORD })
		);

		progress('signup burst');
		await app.resetStalls();
		await formFlood(app, '/signup', { amount: smoke ? 20 : 200, connections: 20 }, (n) => ({
			username: `burst${size}x${n}`,
			password: BENCH_PASSWORD,
			confirmPassword: BENCH_PASSWORD
		}));
		const afterLoad = await app.report();

		return {
			size,
			store,
			pages,
			signedInToAnonymous: pages.signedInRoot.perSecond / pages.anonymous.perSecond,
			homeToAnonymous: pages.home.perSecond / pages.anonymous.perSecond,
			verifyToHome: pages.verify.perSecond / pages.home.perSecond,
			anonymousToBare: pages.anonymous.perSecond / pages.bare.perSecond,
			login: { ...logins.result, pagesPerSecond: logins.pagesPerSecond },
			signup: { ...signups.result, pagesPerSecond: signups.pagesPerSecond },
			loginsPerSecond,
			oneAddressLoginsPerSecond,
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
	if (result.verifyToHome < 4) misses.push('/auth/verify < 4x /home');
	if (result.pages.verify.p99 >= 20) misses.push('/auth/verify p99 >= 20 ms');
	if (result.pages.verify.errors > 0) misses.push('/auth/verify answered other than 200');
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
		['signed-in /auth/verify (nginx, a group rule)', (r) => page(r.pages.verify)],
		['anonymous / vs bare (>= 0.9)', (r) => f(r.anonymousToBare, 2)],
		['signed-in / vs anonymous / (>= 0.97)', (r) => f(r.signedInToAnonymous, 2)],
		['/home vs anonymous / (>= 0.9)', (r) => f(r.homeToAnonymous, 2)],
		['/auth/verify vs /home (>= 4), p99 < 20 ms', (r) => f(r.verifyToHome, 2)],
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
		['  the same, all from one address', (r) => f(r.oneAddressLoginsPerSecond, 1)],
		['raw argon2 verifies/s right after (2 in flight)', (r) => f(r.rawVerifiesPerSecond, 1)],
		['longest event-loop stall, signup burst (< 25 ms)', (r) => f(r.signupBurstMaxStallMs, 1)],
		['start-up (< 1.5 s at 100k)', (r) => `${f(r.startupMs)} ms`],
		[
			'RSS after start / after load (< 450 MB); heap',
			(r) => `${f(r.startupRssMb)} / ${f(r.rssAfterLoadMb)}; ${f(r.heapAfterLoadMb)} MB`
		],
		['targets missed', (r) => targets(r).join('; ') || 'none']
	];
	if (results.some((r) => r.store === 'postgres') && results.some((r) => r.store === 'json')) {
		const json = (r: Result) =>
			results.find((other) => other.size === r.size && other.store === 'json');
		rows.splice(
			rows.length - 1,
			0,
			[
				'PostgreSQL signed-in /home vs JSON (>= 0.8)',
				(r) =>
					r.store === 'postgres' && json(r)
						? f(r.pages.home.perSecond / (json(r)?.pages.home.perSecond ?? NaN), 2)
						: ''
			],
			[
				'PostgreSQL logins/s vs JSON (>= 1 at 100k)',
				(r) =>
					r.store === 'postgres' && json(r)
						? f(r.loginsPerSecond / (json(r)?.loginsPerSecond ?? NaN), 2)
						: ''
			]
		);
	}
	const header = [
		'N users + sessions',
		...results.map(
			(r) => `${r.size.toLocaleString('en')} ${r.store === 'json' ? 'JSON' : 'PostgreSQL'}`
		)
	];
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
const cluster = stores.includes('postgres') ? await startTestPostgres({ durable: true }) : null;
const results: Result[] = [];
try {
	for (const size of sizes) {
		for (const store of stores) {
			console.error(`Measuring N = ${size} on ${store} ...`);
			results.push(
				await measure(
					size,
					store,
					store === 'postgres' ? cluster : null,
					path.join(ROOT, 'build'),
					bareBuild
				)
			);
		}
	}
} finally {
	cluster?.destroy();
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
