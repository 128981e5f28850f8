import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';

let server: RunningServer;

beforeAll(async () => {
	server = await startServer();
});

afterAll(async () => {
	await server.stop();
	await removeDir(server.dataDir);
});

const PASSWORD = 'correct horse battery';
let counter = 0;
const uniqueName = (base = 'user') => `${base}${Date.now() % 100_000}${counter++}`;

describe('signup, home, logout', () => {
	it('signs up, reaches /home, logs out, and is sent to login afterwards', async () => {
		const client = new Client(server.origin);
		const username = uniqueName();
		const signup = await signUp(client, username, PASSWORD);
		expect(signup.status).toBe(303);
		expect(signup.headers.get('location')).toBe('/home');
		expect(client.cookies.get('session')).toMatch(/^[a-z2-7]{32}$/);

		const home = await client.get('/home');
		expect(home.status).toBe(200);
		expect(await home.text()).toContain(`Welcome, ${username}`);

		const logout = await client.post('/logout', {});
		expect(logout.status).toBe(303);
		expect(logout.headers.get('location')).toBe('/');
		expect(client.cookies.has('session')).toBe(false);

		const after = await client.get('/home');
		expect(after.status).toBe(303);
		expect(after.headers.get('location')).toBe('/login?redirectTo=%2Fhome');
	});

	it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ with an expiry', async () => {
		const client = new Client(server.origin);
		const response = await signUp(client, uniqueName(), PASSWORD);
		const cookie = response.headers.getSetCookie().find((line) => line.startsWith('session='));
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).toMatch(/Path=\//);
		const expires = Date.parse(/Expires=([^;]+)/.exec(cookie ?? '')?.[1] ?? '');
		// default idle timeout: 10 minutes
		expect(expires - Date.now()).toBeGreaterThan(9 * 60_000);
		expect(expires - Date.now()).toBeLessThanOrEqual(10 * 60_000 + 1000);
	});

	it('logs back in with the same password and gets a new token each time', async () => {
		const username = uniqueName();
		const first = new Client(server.origin);
		await signUp(first, username, PASSWORD);
		const second = new Client(server.origin);
		const login = await logIn(second, username.toUpperCase(), PASSWORD);
		expect(login.status).toBe(303);
		expect(second.cookies.get('session')).toBeDefined();
		expect(second.cookies.get('session')).not.toBe(first.cookies.get('session'));
		expect((await second.get('/home')).status).toBe(200);
	});

	it('GET /logout changes nothing', async () => {
		const client = new Client(server.origin);
		await signUp(client, uniqueName(), PASSWORD);
		const page = await client.get('/logout');
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Log out?');
		expect((await client.get('/home')).status).toBe(200);
	});

	it('sends a signed-in person from /login and /signup to /home', async () => {
		const client = new Client(server.origin);
		await signUp(client, uniqueName(), PASSWORD);
		for (const path of ['/login', '/signup']) {
			const response = await client.get(path);
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toBe('/home');
		}
	});

	it('shows a signed-in person links into the app on the welcome page', async () => {
		const client = new Client(server.origin);
		expect(await (await client.get('/')).text()).toContain('href="/signup"');
		await signUp(client, uniqueName(), PASSWORD);
		expect(await (await client.get('/')).text()).toContain('href="/home"');
	});
});

describe('login failures', () => {
	it('answers an unknown user and a wrong password with the same message and status', async () => {
		const username = uniqueName();
		await signUp(new Client(server.origin), username, PASSWORD);

		const wrong = await logIn(new Client(server.origin), username, 'wrong password!');
		const unknown = await logIn(new Client(server.origin), uniqueName('ghost'), PASSWORD);
		expect(wrong.status).toBe(400);
		expect(unknown.status).toBe(400);
		const wrongText = await wrong.text();
		expect(wrongText).toContain('Incorrect username or password');
		expect(await unknown.text()).toContain('Incorrect username or password');
		expect(wrong.headers.getSetCookie()).toEqual([]);
		expect(unknown.headers.getSetCookie()).toEqual([]);
		// the username is refilled, the password never is
		expect(wrongText).toContain(`value="${username}"`);
		expect(wrongText).not.toContain('wrong password!');
	});

	it('keeps "remember me" ticked when a login is refused, and unticked when it was not', async () => {
		const rememberBox = async (remember?: string) => {
			const response = await new Client(server.origin).post('/login', {
				username: uniqueName('ghost'),
				password: 'wrong password!',
				...(remember ? { remember } : {})
			});
			expect(response.status).toBe(400);
			return /<input[^>]*id="remember"[^>]*>/.exec(await response.text())?.[0] ?? '';
		};
		expect(await rememberBox('on')).toContain('checked');
		expect(await rememberBox()).not.toContain('checked');
	});
});

describe('the warning before a pause', () => {
	const MESSAGE = /<p class="form-message error">([^<]*)<\/p>/;
	const messageOf = (html: string) => MESSAGE.exec(html)?.[1] ?? '';

	/** A failed login's page with what differs by request or by the name typed taken out. */
	async function failedLogin(origin: string, username: string) {
		const response = await logIn(new Client(origin), username, 'not the password');
		const html = await response.text();
		return {
			status: response.status,
			retryAfter: response.headers.get('retry-after'),
			message: messageOf(html),
			page: html.replaceAll(username, 'NAME').replace(/nonce="[^"]*"/g, 'nonce')
		};
	}

	it('says how many attempts are left only near the limit, with the default numbers', async () => {
		const username = uniqueName();
		await signUp(new Client(server.origin), username, PASSWORD);
		const messages: string[] = [];
		for (let attempt = 0; attempt < 10; attempt++) {
			messages.push((await failedLogin(server.origin, username)).message);
		}
		// LOGIN_MAX_FAILURES=10 in LOGIN_WINDOW_SECONDS=900 unless set
		expect(messages.slice(0, 7)).toEqual(Array(7).fill('Incorrect username or password'));
		expect(messages.slice(7, 9)).toEqual([
			'Incorrect username or password. 2 attempts left before a 15-minute pause.',
			'Incorrect username or password. 1 attempt left before a 15-minute pause.'
		]);
		expect(messages[9]).toMatch(
			/^Incorrect username or password\. No attempts left: please try again in 1[45] minutes\.$/
		);
		const blocked = await logIn(new Client(server.origin), username, PASSWORD);
		expect(blocked.status).toBe(429);
		expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800);
	});

	it('follows the configured limits and is the same for a name nobody has', async () => {
		const limited = await startServer({
			env: { LOGIN_MAX_FAILURES: '4', LOGIN_WINDOW_SECONDS: '120' }
		});
		try {
			const known = uniqueName('known');
			await signUp(new Client(limited.origin), known, PASSWORD);
			const unknown = uniqueName('ghost');
			for (let attempt = 0; attempt < 4; attempt++) {
				const [forKnown, forUnknown] = [
					await failedLogin(limited.origin, known),
					await failedLogin(limited.origin, unknown)
				];
				// Nothing on the page, in its status or headers tells the two apart.
				expect(forUnknown).toEqual(forKnown);
				expect(forKnown.status).toBe(400);
				expect(forKnown.retryAfter).toBeNull();
				expect(forKnown.message).toBe(
					[
						'Incorrect username or password',
						'Incorrect username or password. 2 attempts left before a 2-minute pause.',
						'Incorrect username or password. 1 attempt left before a 2-minute pause.',
						// the real wait: the first failure leaves the 2-minute window then
						'Incorrect username or password. No attempts left: please try again in 2 minutes.'
					][attempt]
				);
			}
			const [blockedKnown, blockedUnknown] = [
				await failedLogin(limited.origin, known),
				await failedLogin(limited.origin, unknown)
			];
			expect(blockedKnown.status).toBe(429);
			expect(blockedUnknown.status).toBe(429);
			expect(blockedKnown.message).toMatch(/^Too many attempts\. Please try again in \d+ /);
		} finally {
			await limited.stop();
			await removeDir(limited.dataDir);
		}
	});
});

describe('signup validation', () => {
	it('refuses a taken username in any case, keeping one account', async () => {
		const username = uniqueName('dup');
		expect((await signUp(new Client(server.origin), username, PASSWORD)).status).toBe(303);
		const again = await signUp(new Client(server.origin), username.toUpperCase(), PASSWORD);
		expect(again.status).toBe(400);
		expect(await again.text()).toContain('That username is already taken.');
	});

	it('shows each field problem and never sends a password back', async () => {
		const response = await new Client(server.origin).post('/signup', {
			username: 'a b',
			password: 'short',
			confirmPassword: 'different'
		});
		expect(response.status).toBe(400);
		const html = await response.text();
		expect(html).toContain('Use only letters a-z, digits and the characters _ . -');
		expect(html).toContain('Use at least 8 characters.');
		expect(html).toContain('The passwords do not match.');
		expect(html).toContain('value="a b"');
		expect(html).not.toContain('short');
	});

	it('accepts __proto__ and constructor as ordinary usernames', async () => {
		for (const username of ['__proto__', 'constructor']) {
			const client = new Client(server.origin);
			const response = await signUp(client, username, PASSWORD);
			expect(response.status).toBe(303);
			expect(await (await client.get('/home')).text()).toContain(`Welcome, ${username}`);
		}
	});
});

describe('redirectTo', () => {
	it('returns to a same-origin path after login', async () => {
		const username = uniqueName();
		await signUp(new Client(server.origin), username, PASSWORD);
		const client = new Client(server.origin);
		const login = await client.post(`/login?redirectTo=${encodeURIComponent('/home?tab=1')}`, {
			username,
			password: PASSWORD
		});
		expect(login.headers.get('location')).toBe('/home?tab=1');
	});

	it.each([
		'//evil.example',
		'https://evil.example',
		'/\\evil.example',
		'\\\\evil.example',
		'javascript:alert(1)',
		'/\t/evil.example',
		'/.//evil.example',
		'%2F%2Fevil.example'
	])('never leaves the site for %j', async (target) => {
		const username = uniqueName();
		await signUp(new Client(server.origin), username, PASSWORD);
		const login = await new Client(server.origin).post(
			`/login?redirectTo=${encodeURIComponent(target)}`,
			{ username, password: PASSWORD }
		);
		expect(login.status).toBe(303);
		const location = login.headers.get('location') ?? '';
		expect(location.startsWith('/')).toBe(true);
		expect(location.startsWith('//')).toBe(false);
		expect(new URL(location, server.origin).origin).toBe(server.origin);
	});

	it('sends a visitor to login with the original path and query', async () => {
		const response = await new Client(server.origin).get('/home?x=1&y=2');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(
			`/login?redirectTo=${encodeURIComponent('/home?x=1&y=2')}`
		);
	});
});

describe('cookies that are not valid sessions', () => {
	it('treats a bad cookie as anonymous and clears it', async () => {
		const client = new Client(server.origin);
		client.cookies.set('session', 'not-a-real-token');
		const response = await client.get('/home');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toContain('/login');
		expect(response.headers.getSetCookie().join()).toMatch(/session=;/);
		expect(client.cookies.has('session')).toBe(false);
	});

	it('treats a well-formed but unknown token as anonymous', async () => {
		const client = new Client(server.origin);
		client.cookies.set('session', 'a'.repeat(32));
		expect((await client.get('/home')).status).toBe(303);
	});
});
