import { beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn } from '../helpers/client';
import { PASSWORD, signedInUser, signUpAdmin, useSharedServer } from '../helpers/security';

const server = useSharedServer();

const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
/** What must never appear unescaped in a page. */
const RAW = ['<script>alert', '<img src=x'];

let admin: Client;
let mallory: Client;

beforeAll(async () => {
	admin = await signUpAdmin(server());
	mallory = (await signedInUser(server(), 'mallory')).client;
	const saved = await mallory.post('/profile/edit?/save', {
		fullName: `${IMG} ${SCRIPT}`,
		bio: `${SCRIPT}\n${IMG}`,
		age: ''
	});
	expect(saved.status).toBe(303);
});

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(response: Response): Map<string, string[]> {
	const header = response.headers.get('content-security-policy') ?? '';
	return new Map(
		header
			.split(';')
			.map((part) => part.trim().split(/\s+/))
			.filter(([name]) => name)
			.map(([name = '', ...values]) => [name, values])
	);
}

function expectNoRawMarkup(html: string): void {
	for (const raw of RAW) expect(html).not.toContain(raw);
}

describe('escaped output', () => {
	it.each(['/profile', '/profile/edit'])(
		'shows markup in the full name and bio as text on %s',
		async (path) => {
			const response = await mallory.get(path);
			expect(response.status).toBe(200);
			const html = await response.text();
			expect(html).toContain('&lt;script>alert(1)&lt;/script>');
			expect(html).toContain('&lt;img src=x onerror=alert(1)>');
			expectNoRawMarkup(html);
		}
	);

	it('shows markup in a full name as text on the admin page', async () => {
		const response = await admin.get('/admin');
		expect(response.status).toBe(200);
		const html = await response.text();
		expect(html).toContain('mallory');
		expect(html).toContain('&lt;img src=x onerror=alert(1)>');
		expectNoRawMarkup(html);
	});

	it('shows markup typed as a username at login as text in the audit table', async () => {
		const attempt = await logIn(new Client(server().origin), `${SCRIPT}${IMG}`, 'whatever pw');
		expect(attempt.status).toBe(400);
		const html = await (await admin.get('/admin')).text();
		expect(html).toContain('Failed sign-in as');
		expect(html).toContain('&lt;script>alert(1)&lt;/script>');
		expectNoRawMarkup(html);
	});

	it('refills a username with markup as an escaped attribute', async () => {
		const response = await logIn(new Client(server().origin), IMG, 'whatever pw');
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('value="&quot;>&lt;img src=x onerror=alert(1)>"');
		expectNoRawMarkup(html);
	});

	it("has no 'unsafe-inline' or 'unsafe-eval' for scripts in the page's policy", async () => {
		const response = await mallory.get('/profile');
		const directives = cspDirectives(response);
		const scripts = directives.get('script-src') ?? directives.get('default-src') ?? [];
		expect(scripts.length).toBeGreaterThan(0);
		expect(scripts).not.toContain("'unsafe-inline'");
		expect(scripts).not.toContain("'unsafe-eval'");
		expect(directives.get('script-src-attr') ?? []).not.toContain("'unsafe-inline'");
		expect(directives.get('script-src-elem') ?? []).not.toContain("'unsafe-inline'");
	});
});

describe('security headers on pages', () => {
	const PAGES = ['/', '/login', '/signup', '/home', '/profile', '/account', '/admin'];
	/** Login and signup send a signed-in person away: a visitor sees those. */
	const open = (path: string) =>
		path === '/login' || path === '/signup'
			? new Client(server().origin).get(path)
			: admin.get(path);

	it.each(PAGES)('%s has a nonce-based Content-Security-Policy', async (path) => {
		const response = await open(path);
		expect(response.status).toBe(200);
		const directives = cspDirectives(response);
		expect(directives.get('object-src')).toEqual(["'none'"]);
		expect(directives.get('base-uri')).toEqual(["'none'"]);
		expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
		const nonce = /^'nonce-([^']+)'$/
			.exec(directives.get('script-src')?.find((value) => value.startsWith("'nonce-")) ?? '')
			?.at(1);
		expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
		// every inline script carries this response's nonce
		const html = await response.text();
		const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1] ?? '');
		expect(scripts.length).toBeGreaterThan(0);
		for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
	});

	it.each(PAGES)('%s has nosniff, Referrer-Policy same-origin and no framing', async (path) => {
		const response = await open(path);
		expect(response.status).toBe(200);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('referrer-policy')).toBe('same-origin');
		expect(response.headers.get('x-frame-options')).toBe('DENY');
		expect(response.headers.get('x-powered-by')).toBeNull();
	});

	it('gives each response its own nonce', async () => {
		const nonces = new Set<string>();
		for (let request = 0; request < 3; request++) {
			const header = (await admin.get('/home')).headers.get('content-security-policy') ?? '';
			nonces.add(/'nonce-([^']+)'/.exec(header)?.[1] ?? '');
		}
		expect(nonces.size).toBe(3);
	});

	it.each(['/home', '/profile', '/profile/edit', '/account', '/admin', '/account/export'])(
		'%s is never cached for a signed-in person',
		async (path) => {
			const response = await admin.get(path);
			expect(response.status).toBe(200);
			expect(response.headers.get('cache-control')).toMatch(/(^|[\s,])no-store([\s,]|$)/);
		}
	);

	it('sends a reset link page with no-store and no Referer', async () => {
		const response = await new Client(server().origin).get(
			'/reset-password/00000000-0000-0000-0000-000000000000.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
		);
		expect(response.headers.get('cache-control')).toMatch(/no-store/);
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
	});
});

describe('error responses', () => {
	/** Signs of internals: stack frames, file paths, module names. */
	const INTERNALS = [/\bat [\w.<>$]+ \(/, /\/work\//, /file:\/\//, /node_modules/, /\.js:\d+/];

	const expectNoInternals = (text: string) => {
		for (const pattern of INTERNALS) expect(text).not.toMatch(pattern);
	};

	it.each(['/no-such-page', '/admin/users/no-such-id', '/no-such-page/__data.json'])(
		'%s answers 404 without a stack trace or a file path',
		async (path) => {
			const response = await admin.get(path);
			expect(response.status).toBe(404);
			expectNoInternals(await response.text());
		}
	);

	it('answers a request the app cannot handle without a stack trace or a file path', async () => {
		const response = await new Client(server().origin).request('/login', {
			method: 'POST',
			headers: { origin: server().origin, 'content-type': 'application/json' },
			body: '{"username":'
		});
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(response.status).toBeLessThan(500);
		expectNoInternals(await response.text());
	});

	it('answers a bad login with no password in the page', async () => {
		const response = await logIn(new Client(server().origin), 'mallory', 'a wrong secret pw');
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).not.toContain('a wrong secret pw');
		expect(html).not.toContain(PASSWORD);
	});
});
