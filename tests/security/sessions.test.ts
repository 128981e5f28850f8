import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import {
	isSignedIn,
	NEW_PASSWORD,
	PASSWORD,
	sessionIdOf,
	setCookieLine,
	setCookieValue,
	signedInUser,
	signUpAdmin,
	uniqueName,
	useSharedServer
} from '../helpers/security';
import { storedSessions, storedUser } from '../helpers/stored';

const EXPIRED_NOTICE = 'Your session expired, please sign in again.';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 32 random base32 characters: a well-formed token nobody was ever given. */
const randomToken = () => [...randomBytes(32)].map((byte) => BASE32[byte % 32]).join('');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const attribute = (line: string, name: string) =>
	line
		.split(';')
		.slice(1)
		.map((part) => part.trim())
		.find((part) => part.toLowerCase().startsWith(`${name.toLowerCase()}=`))
		?.split('=')[1];

const hasFlag = (line: string, flag: string) =>
	line
		.split(';')
		.slice(1)
		.some((part) => part.trim().toLowerCase() === flag.toLowerCase());

describe('over plain http', () => {
	const server = useSharedServer();
	let admin: Client;

	beforeAll(async () => {
		admin = await signUpAdmin(server());
	});

	describe('the session cookie', () => {
		it('is HttpOnly, SameSite=Lax, Path=/ and not Secure', async () => {
			const response = await signUp(new Client(server().origin), uniqueName(), PASSWORD);
			const line = setCookieLine(response, 'session') ?? '';
			expect(line).toMatch(/^session=[a-z2-7]{32};/);
			expect(hasFlag(line, 'HttpOnly')).toBe(true);
			expect(attribute(line, 'SameSite')).toBe('Lax');
			expect(attribute(line, 'Path')).toBe('/');
			expect(attribute(line, 'Domain')).toBeUndefined();
			expect(hasFlag(line, 'Secure')).toBe(false);
		});

		it.each([
			['a signup', false],
			['a "remember me" login', true]
		])(
			'after %s, expires in the future and not after the server-side session',
			async (_, remember) => {
				const username = uniqueName();
				const first = await signUp(new Client(server().origin), username, PASSWORD);
				const response = remember
					? await logIn(new Client(server().origin), username, PASSWORD, { remember: 'on' })
					: first;
				const line = setCookieLine(response, 'session') ?? '';
				const token = setCookieValue(response, 'session') ?? '';
				const expires = Date.parse(attribute(line, 'Expires') ?? '');
				expect(expires).toBeGreaterThan(Date.now());

				const stored = (await storedSessions(server())).find(
					(session) => session.id === sessionIdOf(token)
				);
				expect(stored?.remember).toBe(remember);
				expect(expires).toBeLessThanOrEqual(Date.parse(stored?.expiresAt ?? ''));
				// and not much earlier either: the cookie carries the session's own expiry
				expect(Date.parse(stored?.expiresAt ?? '') - expires).toBeLessThan(2000);
			}
		);
	});

	describe('session fixation', () => {
		it('never accepts a planted random token, and login replaces it', async () => {
			const { username } = await signedInUser(server());
			const planted = randomToken();
			const victim = new Client(server().origin);
			victim.cookies.set('session', planted);
			expect(await isSignedIn(victim)).toBe(false);

			victim.cookies.set('session', planted);
			const login = await logIn(victim, username, PASSWORD);
			expect(login.status).toBe(303);
			const issued = setCookieValue(login, 'session');
			expect(issued).toMatch(/^[a-z2-7]{32}$/);
			expect(issued).not.toBe(planted);

			const attacker = new Client(server().origin);
			attacker.cookies.set('session', planted);
			expect(await isSignedIn(attacker)).toBe(false);
			expect(
				(await storedSessions(server())).some((session) => session.id === sessionIdOf(planted))
			).toBe(false);
		});

		it("never accepts another user's logged-out token, and login replaces it", async () => {
			const other = await signedInUser(server());
			const deadToken = other.client.cookies.get('session') ?? '';
			expect((await other.client.post('/logout', {})).status).toBe(303);

			const { username } = await signedInUser(server());
			const victim = new Client(server().origin);
			victim.cookies.set('session', deadToken);
			expect(await isSignedIn(victim)).toBe(false);

			victim.cookies.set('session', deadToken);
			const login = await logIn(victim, username, PASSWORD);
			expect(login.status).toBe(303);
			expect(setCookieValue(login, 'session')).not.toBe(deadToken);
			const page = await victim.get('/home');
			expect(await page.text()).toContain(`Welcome, ${username}`);
		});

		it('issues a new token when someone already signed in logs in again', async () => {
			const { client, username } = await signedInUser(server());
			const before = client.cookies.get('session');
			const login = await logIn(client, username, PASSWORD);
			expect(login.status).toBe(303);
			const issued = setCookieValue(login, 'session');
			expect(issued).toMatch(/^[a-z2-7]{32}$/);
			expect(issued).not.toBe(before);
		});
	});

	describe('logout', () => {
		it('makes a replayed old cookie anonymous', async () => {
			const { client } = await signedInUser(server());
			const token = client.cookies.get('session') ?? '';
			expect((await client.post('/logout', {})).status).toBe(303);

			const replay = new Client(server().origin);
			replay.cookies.set('session', token);
			const response = await replay.get('/home');
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toMatch(/^\/login\?/);
			expect(
				(await storedSessions(server())).some((session) => session.id === sessionIdOf(token))
			).toBe(false);
		});

		it('does not happen on GET /logout', async () => {
			const { client } = await signedInUser(server());
			const page = await client.get('/logout');
			expect(page.status).toBe(200);
			expect(page.headers.getSetCookie().filter((line) => line.startsWith('session='))).toEqual([]);
			expect(await isSignedIn(client)).toBe(true);
		});
	});

	describe('a password change', () => {
		it("ends the person's other sessions", async () => {
			const { client, username } = await signedInUser(server());
			const laptop = new Client(server().origin);
			await logIn(laptop, username, PASSWORD);
			const phone = new Client(server().origin);
			await logIn(phone, username, PASSWORD, { remember: 'on' });
			expect(await isSignedIn(laptop)).toBe(true);

			const change = await client.post('/account?/changePassword', {
				currentPassword: PASSWORD,
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			});
			expect(change.status).toBe(303);
			expect(await isSignedIn(laptop)).toBe(false);
			expect(await isSignedIn(phone)).toBe(false);
			expect(await isSignedIn(client)).toBe(true);
		});

		it('replaces the current token, and the old one stops working', async () => {
			const { client } = await signedInUser(server());
			const before = client.cookies.get('session') ?? '';
			const change = await client.post('/account?/changePassword', {
				currentPassword: PASSWORD,
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			});
			expect(change.status).toBe(303);
			const after = setCookieValue(change, 'session');
			expect(after).toMatch(/^[a-z2-7]{32}$/);
			expect(after).not.toBe(before);

			const replay = new Client(server().origin);
			replay.cookies.set('session', before);
			expect(await isSignedIn(replay)).toBe(false);
			expect(await isSignedIn(client)).toBe(true);
		});
	});

	describe('a password reset link', () => {
		it('ends every session of the person and works only once', async () => {
			const { client, username } = await signedInUser(server());
			const phone = new Client(server().origin);
			await logIn(phone, username, PASSWORD, { remember: 'on' });
			const id = (await storedUser(server(), username))?.id ?? '';
			// the action redirects; the page it leads to shows the link once
			await admin.post(`/admin/users/${id}?/createResetLink`, {});
			const page = await (await admin.get(`/admin/users/${id}`)).text();
			const link = /\/reset-password\/[0-9a-f-]+\.[a-z2-7]{32}/.exec(page)?.[0] ?? '';
			expect(link).not.toBe('');

			const reset = await new Client(server().origin).post(link, {
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			});
			expect(reset.status).toBe(303);
			expect(await isSignedIn(client)).toBe(false);
			expect(await isSignedIn(phone)).toBe(false);

			const replay = await new Client(server().origin).post(link, {
				newPassword: 'another new pass phrase',
				confirmPassword: 'another new pass phrase'
			});
			expect(replay.status).toBe(400);
			expect(await replay.text()).toContain('This link has expired, was already used');
			expect((await logIn(new Client(server().origin), username, NEW_PASSWORD)).status).toBe(303);
		});
	});
});

describe('site messages', () => {
	const server = useSharedServer();
	const PLANTED = 'Security notice: your account is locked, call +1-555-0100';

	it('never shows a message the browser sent in a cookie it made up', async () => {
		for (const value of [PLANTED, encodeURIComponent(PLANTED), `${btoa(PLANTED)}.forged`]) {
			const visitor = new Client(server().origin);
			visitor.cookies.set('flash', value);
			const page = await (await visitor.get('/login')).text();
			expect(page).not.toContain('Security notice');
			expect(page).not.toContain('555-0100');
		}
	});

	it('shows the messages the server itself set, once', async () => {
		const { client } = await signedInUser(server());
		await client.post('/logout', {});
		expect(await (await client.get('/')).text()).toContain('You have been logged out.');
		expect(await (await client.get('/')).text()).not.toContain('You have been logged out.');
	});
});

describe('expiry', () => {
	// Idle timeout 3 s, absolute lifetime 6 s: activity every 0.9 s keeps a session past its idle
	// timeout, but not past its absolute lifetime.
	const server = useSharedServer({
		env: { SESSION_IDLE_SECONDS: '3', SESSION_ABSOLUTE_SECONDS: '6' }
	});

	/** A client with only the hint a browser keeps after the session cookie itself expired. */
	const browserAfterExpiry = (client: Client) => {
		const browser = new Client(server().origin);
		const hint = client.cookies.get('signed-in');
		if (hint !== undefined) browser.cookies.set('signed-in', hint);
		return browser;
	};

	describe.concurrent('with short timeouts', () => {
		it('ends an idle session: the old cookie is anonymous and login says it expired', async ({
			expect
		}) => {
			const { client } = await signedInUser(server());
			expect(await isSignedIn(client)).toBe(true);
			await sleep(3300);

			const response = await client.get('/home');
			expect(response.status).toBe(303);
			const location = response.headers.get('location') ?? '';
			expect(location).toMatch(/^\/login\?/);
			expect(new URL(location, server().origin).searchParams.get('reason')).toBe('expired');
			const login = await client.get(location);
			expect(login.status).toBe(200);
			expect(await login.text()).toContain(EXPIRED_NOTICE);
		});

		it('ends a session at its absolute lifetime, however active', async ({ expect }) => {
			const { client } = await signedInUser(server());
			const token = client.cookies.get('session') ?? '';
			for (let step = 0; step < 4; step++) {
				await sleep(900);
				expect(await isSignedIn(client)).toBe(true);
			}
			await sleep(2700);
			const replay = new Client(server().origin);
			replay.cookies.set('session', token);
			const response = await replay.get('/home');
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toMatch(/^\/login\?/);
			expect(await isSignedIn(client)).toBe(false);
		});

		it('tells a browser that dropped the expired cookie that its session expired', async ({
			expect
		}) => {
			const { client } = await signedInUser(server());
			await sleep(3300);
			const response = await browserAfterExpiry(client).get('/profile');
			expect(response.status).toBe(303);
			const location = new URL(response.headers.get('location') ?? '', server().origin);
			expect(location.pathname).toBe('/login');
			expect(location.searchParams.get('reason')).toBe('expired');
			expect(location.searchParams.get('redirectTo')).toBe('/profile');
		});

		it('sends a refreshed cookie that still expires by the absolute lifetime', async ({
			expect
		}) => {
			const { client } = await signedInUser(server());
			const token = client.cookies.get('session') ?? '';
			const created = Date.parse(
				(await storedSessions(server())).find((session) => session.id === sessionIdOf(token))
					?.createdAt ?? ''
			);
			await sleep(1500);
			const response = await client.get('/home');
			expect(response.status).toBe(200);
			const line = setCookieLine(response, 'session') ?? '';
			expect(line).not.toBe('');
			const expires = Date.parse(attribute(line, 'Expires') ?? '');
			expect(expires).toBeGreaterThan(Date.now());
			expect(expires).toBeLessThanOrEqual(created + 6000);
		});
	});
});

describe('over https (ORIGIN=https://...)', () => {
	const PUBLIC_ORIGIN = 'https://gatehouse.test';
	const server = useSharedServer({ env: { ORIGIN: PUBLIC_ORIGIN } });
	const asBrowser = { headers: { origin: PUBLIC_ORIGIN } };

	it('names the cookie __Host-session and marks it Secure', async () => {
		const client = new Client(server().origin);
		const response = await client.post(
			'/signup',
			{ username: uniqueName(), password: PASSWORD, confirmPassword: PASSWORD },
			asBrowser
		);
		expect(response.status).toBe(303);
		expect(setCookieLine(response, 'session')).toBeUndefined();
		const line = setCookieLine(response, '__Host-session') ?? '';
		expect(line).toMatch(/^__Host-session=[a-z2-7]{32};/);
		expect(hasFlag(line, 'Secure')).toBe(true);
		expect(hasFlag(line, 'HttpOnly')).toBe(true);
		expect(attribute(line, 'Path')).toBe('/');
		expect(attribute(line, 'Domain')).toBeUndefined();
		expect(await isSignedIn(client)).toBe(true);
	});

	it('prefixes every cookie with __Host-, so nothing another host sets counts', async () => {
		const client = new Client(server().origin);
		const signup = await client.post(
			'/signup',
			{ username: uniqueName(), password: PASSWORD, confirmPassword: PASSWORD },
			asBrowser
		);
		const logout = await client.post('/logout', {}, asBrowser);
		const names = [...signup.headers.getSetCookie(), ...logout.headers.getSetCookie()].map((line) =>
			line.slice(0, line.indexOf('='))
		);
		expect(names).toEqual(expect.arrayContaining(['__Host-session', '__Host-signed-in']));
		expect(names).toContain('__Host-flash');
		expect(names.every((name) => name.startsWith('__Host-'))).toBe(true);
	});

	it('sends Strict-Transport-Security', async () => {
		const response = await new Client(server().origin).get('/login');
		expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
	});

	it('ignores a valid token sent under the unprefixed name a subdomain could set', async () => {
		const client = new Client(server().origin);
		await client.post(
			'/signup',
			{ username: uniqueName(), password: PASSWORD, confirmPassword: PASSWORD },
			asBrowser
		);
		const token = client.cookies.get('__Host-session') ?? '';
		expect(token).toMatch(/^[a-z2-7]{32}$/);
		const planted = new Client(server().origin);
		planted.cookies.set('session', token);
		expect(await isSignedIn(planted)).toBe(false);
	});
});
