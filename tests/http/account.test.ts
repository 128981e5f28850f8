import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import { storedFingerprint, storedSessions, storedUser } from '../helpers/stored';

let server: RunningServer;

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'new horse battery staple';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CHROME_WINDOWS =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const XSS = '<script>alert(1)</script>';

beforeAll(async () => {
	// Every test signs up its own people from one address: more than a per-address signup limit
	// meant for strangers allows.
	server = await startServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
	// The first account of a fresh data directory may become the admin: the people below should
	// all be ordinary users.
	await signUp(new Client(server.origin), 'first-account', PASSWORD);
});

afterAll(async () => {
	await server.stop();
	await removeDir(server.dataDir);
});

let counter = 0;
const uniqueName = (base = 'user') => `${base}${Date.now() % 100_000}${counter++}`;

/** Everything a request could change. */
const dataFiles = () => storedFingerprint(server, ['users', 'sessions']);

/** A response's HTML without Svelte's hydration markers (`<!--[0-->`), as a reader sees it. */
async function readPage(response: Response): Promise<string> {
	return (await response.text()).replace(/<!--[\s\S]*?-->/g, '');
}

/** A person signed up on one device; more devices sign in with `device()`. */
async function person(userAgent?: string) {
	const username = uniqueName();
	const client = new Client(server.origin, userAgent);
	expect((await signUp(client, username, PASSWORD)).status).toBe(303);
	const device = async (agent?: string) => {
		const other = new Client(server.origin, agent);
		expect((await logIn(other, username, PASSWORD)).status).toBe(303);
		return other;
	};
	return { username, client, device };
}

/** The ids in the hidden sessionId inputs of a /account page: the other sessions. */
async function listedSessionIds(client: Client): Promise<string[]> {
	const html = await readPage(await client.get('/account'));
	return [...html.matchAll(/<input[^>]*name="sessionId"[^>]*value="([^"]*)"/g)].map(
		(match) => match[1] ?? ''
	);
}

/** What a device sees at a protected page: 200 when signed in, 303 to login when anonymous. */
async function homeStatus(client: Client): Promise<number> {
	const response = await client.get('/home');
	if (response.status === 303) expect(response.headers.get('location')).toMatch(/^\/login\?/);
	return response.status;
}

/** A fresh client carrying only the given session token, as a stolen or kept cookie would. */
function withToken(token: string | undefined): Client {
	const client = new Client(server.origin);
	client.cookies.set('session', token ?? '');
	return client;
}

describe('navigation', () => {
	it.each([
		['/home', 'Home'],
		['/profile', 'Profile'],
		['/profile/edit', 'Profile'],
		['/account', 'Account']
	])(
		'on %s links every page, names the person, offers Log out and marks %s',
		async (page, label) => {
			const { username, client } = await person();
			const response = await client.get(page);
			expect(response.status).toBe(200);
			const html = await readPage(response);
			const nav = /<nav[^>]*aria-label="Main"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
			for (const [href, text] of [
				['/home', 'Home'],
				['/profile', 'Profile'],
				['/account', 'Account']
			]) {
				expect(nav).toMatch(new RegExp(`<a href="${href}"[^>]*>${text}</a>`));
			}
			expect(nav).toContain(`<strong>${username}</strong>`);
			expect(nav).toMatch(
				/<form method="POST" action="\/logout"[\s\S]*?<button[^>]*>Log out<\/button>/
			);
			const current = [...nav.matchAll(/<a [^>]*aria-current="page"[^>]*>([^<]*)<\/a>/g)];
			expect(current.map((match) => match[1])).toEqual([label]);
		}
	);
});

describe('profile page', () => {
	it('shows the username and member-since date, and "Not set" links for empty fields', async () => {
		const { username, client } = await person();
		const html = await readPage(await client.get('/profile'));
		expect(html).toContain(`<dd>${username}</dd>`);
		for (const link of ['Add your name', 'Write a short bio', 'Add your age']) {
			expect(html).toContain(`Not set. <a href="/profile/edit">${link}</a>`);
		}
		const createdAt = (await storedUser(server, username))?.createdAt ?? '';
		const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
		expect(html).toContain(
			`<time datetime="${createdAt}">${date.format(new Date(createdAt))} UTC</time>`
		);
	});

	it('saves, redirects to /profile and says "Profile saved." exactly once', async () => {
		const { username, client } = await person();
		const save = await client.post('/profile/edit?/save', {
			fullName: '  Ada Lovelace ',
			bio: 'Line one\r\nLine two',
			age: '36'
		});
		expect(save.status).toBe(303);
		expect(save.headers.get('location')).toBe('/profile');

		const first = await readPage(await client.get('/profile'));
		expect(first).toContain('Profile saved.');
		expect(first).toContain('<dd>Ada Lovelace</dd>');
		expect(first).toContain('Line one\nLine two');
		expect(first).toContain('<dd>36</dd>');
		expect(first).not.toContain('Not set.');
		const second = await readPage(await client.get('/profile'));
		expect(second).not.toContain('Profile saved.');
		expect(second).toContain('<dd>Ada Lovelace</dd>');

		expect(await storedUser(server, username)).toMatchObject({
			fullName: 'Ada Lovelace',
			bio: 'Line one\nLine two',
			age: 36
		});
	});

	it('clears a field that is saved empty', async () => {
		const { client } = await person();
		await client.post('/profile/edit?/save', { fullName: 'Ada', bio: 'Bio', age: '36' });
		await client.post('/profile/edit?/save', { fullName: '', bio: '', age: '' });
		const html = await readPage(await client.get('/profile'));
		expect(html).toContain('Add your name');
		expect(html).toContain('Write a short bio');
		expect(html).toContain('Add your age');
	});

	it('refuses a bad age with 400, the message by the field, everything refilled, nothing stored', async () => {
		const { client } = await person();
		await client.post('/profile/edit?/save', { fullName: 'Before', bio: '', age: '' });
		await client.get('/profile');
		const before = await storedFingerprint(server, ['users']);

		const response = await client.post('/profile/edit?/save', {
			fullName: 'Typed name',
			bio: 'Typed bio',
			age: '151'
		});
		expect(response.status).toBe(400);
		const html = await readPage(response);
		expect(html).toContain('Please correct the marked fields.');
		expect(html).toMatch(
			/<p class="field-error" id="field-age-error"[^>]*>Enter a whole number from 0 to 150, or leave it empty.<\/p>/
		);
		expect(html).toMatch(/<input[^>]*name="fullName"[^>]*value="Typed name"/);
		expect(html).toMatch(/<textarea[^>]*name="bio"[^>]*>Typed bio<\/textarea>/);
		expect(html).toMatch(/<input[^>]*name="age"[^>]*value="151"/);
		expect(await storedFingerprint(server, ['users'])).toBe(before);
		expect(client.cookies.has('flash')).toBe(false);
	});

	it('renders markup typed into the name and bio as text', async () => {
		const { client } = await person();
		const refused = await client.post('/profile/edit?/save', { fullName: XSS, bio: XSS, age: 'x' });
		expect(await readPage(refused)).not.toContain('<script>alert');

		await client.post('/profile/edit?/save', { fullName: XSS, bio: XSS, age: '' });
		for (const page of ['/profile', '/profile/edit']) {
			const html = await readPage(await client.get(page));
			expect(html).not.toContain('<script>alert');
			expect(html).toContain('&lt;script>alert(1)&lt;/script>');
		}
	});

	it('ignores posted role, id, username and passwordHash', async () => {
		const { username, client } = await person();
		const before = await storedUser(server, username);
		const response = await client.post('/profile/edit?/save', {
			fullName: 'Mallory',
			bio: '',
			age: '',
			role: 'admin',
			id: 'another-id',
			username: 'someone-else',
			passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$forged$forged'
		});
		expect(response.status).toBe(303);
		expect(await storedUser(server, username)).toEqual({ ...before, fullName: 'Mallory' });
		expect(await storedUser(server, 'someone-else')).toBeUndefined();
	});
});

describe('change password', () => {
	it('replaces this device’s token, signs out every other session and swaps the password', async () => {
		const { username, client, device } = await person();
		const otherDevice = await device();
		const oldToken = client.cookies.get('session');

		const response = await client.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/account#main');
		const newToken = client.cookies.get('session');
		expect(newToken).toMatch(/^[a-z2-7]{32}$/);
		expect(newToken).not.toBe(oldToken);

		const account = await client.get('/account');
		expect(account.status).toBe(200);
		expect(await readPage(account)).toContain('Password changed. 1 other session signed out.');

		expect(await homeStatus(withToken(oldToken))).toBe(303);
		expect(await homeStatus(otherDevice)).toBe(303);
		expect(await homeStatus(client)).toBe(200);
		expect((await logIn(new Client(server.origin), username, PASSWORD)).status).toBe(400);
		expect((await logIn(new Client(server.origin), username, NEW_PASSWORD)).status).toBe(303);
	});

	it('refuses a wrong current password with 400 and changes nothing', async () => {
		const { username, client, device } = await person();
		const otherDevice = await device();
		const before = await storedUser(server, username);
		const response = await client.post('/account?/changePassword', {
			currentPassword: 'not the password',
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(response.status).toBe(400);
		const html = await readPage(response);
		expect(html).toContain('That is not your current password.');
		expect(html).not.toContain('not the password');
		expect((await storedUser(server, username))?.passwordHash).toBe(before?.passwordHash);
		expect(await homeStatus(otherDevice)).toBe(200);
	});

	it.each([
		['a new password shorter than 8 characters', 'short12', 'Use at least 8 characters.'],
		['a new password longer than 256 characters', 'x'.repeat(257), 'Use at most 256 characters.'],
		['the current password', PASSWORD, 'Choose a password different from the current one.']
	])('refuses %s with 400', async (_label, newPassword, message) => {
		const { username, client } = await person();
		const before = await storedUser(server, username);
		const response = await client.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword,
			confirmPassword: newPassword
		});
		expect(response.status).toBe(400);
		expect(await readPage(response)).toContain(message);
		expect((await storedUser(server, username))?.passwordHash).toBe(before?.passwordHash);
	});
});

describe('sessions', () => {
	it('lists each session with its device, IP and "This device"', async () => {
		const { client, device } = await person(FIREFOX_LINUX);
		await device(CHROME_WINDOWS);
		const html = await readPage(await client.get('/account'));
		expect(html).toContain('<strong>Firefox on Linux</strong>');
		expect(html).toContain('<strong>Chrome on Windows</strong>');
		expect(html).toContain('IP 127.0.0.1');
		expect(html.match(/This device/g)).toHaveLength(1);
		expect(html).toMatch(/<strong>Firefox on Linux<\/strong>\s*<span class="badge">This device/);
		expect(await listedSessionIds(client)).toHaveLength(1);
	});

	it('ends exactly the chosen session', async () => {
		const { client, device } = await person();
		const second = await device();
		const third = await device();
		const seenByFirst = await listedSessionIds(client);
		const seenByThird = await listedSessionIds(third);
		const secondId = seenByFirst.find((id) => seenByThird.includes(id));
		expect(seenByFirst).toHaveLength(2);
		expect(secondId).toBeDefined();

		const response = await client.post('/account?/endSession', { sessionId: secondId ?? '' });
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/account#main');
		expect(await readPage(await client.get('/account'))).toContain('Signed out of 1 session.');
		expect(await homeStatus(second)).toBe(303);
		expect(await homeStatus(third)).toBe(200);
		expect(await homeStatus(client)).toBe(200);
	});

	it('refuses to end another person’s session with 400', async () => {
		const victim = await person();
		const victimsOtherDevice = await victim.device();
		const [victimSessionId] = await listedSessionIds(victim.client);
		expect(victimSessionId).toMatch(/^[0-9a-f]+$/);

		const attacker = await person();
		const before = await storedFingerprint(server, ['sessions']);
		const response = await attacker.client.post('/account?/endSession', {
			sessionId: victimSessionId ?? ''
		});
		expect(response.status).toBe(400);
		expect(await readPage(response)).toContain(
			'That session has already ended or is not one of yours.'
		);
		expect(await storedFingerprint(server, ['sessions'])).toBe(before);
		expect(await homeStatus(victimsOtherDevice)).toBe(200);
	});

	it('signs out every other session and keeps this one', async () => {
		const { client, device } = await person();
		const second = await device();
		const third = await device();
		const response = await client.post('/account?/endOtherSessions', {});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/account#main');
		const html = await readPage(await client.get('/account'));
		expect(html).toContain('2 other sessions signed out.');
		expect(html).toContain('You are not signed in anywhere else.');
		expect(await homeStatus(second)).toBe(303);
		expect(await homeStatus(third)).toBe(303);
		expect(await homeStatus(client)).toBe(200);
	});
});

describe('what the account page says', () => {
	it('says "No other sessions were signed in." when there were none to sign out', async () => {
		const { client } = await person();
		const change = await client.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(change.status).toBe(303);
		const html = await readPage(await client.get('/account'));
		expect(html).toContain('Password changed. No other sessions were signed in.');
		expect(html).not.toContain('0 other sessions');

		expect((await client.post('/account?/endOtherSessions', {})).status).toBe(303);
		expect(await readPage(await client.get('/account'))).toContain(
			'No other sessions were signed in.'
		);
	});

	it('tells sessions apart: browser and OS, this device, last active and signed in, in UTC until the browser takes over', async () => {
		const { client, device } = await person(FIREFOX_LINUX);
		await device(CHROME_WINDOWS);
		const html = await readPage(await client.get('/account'));
		const utc = String.raw`<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC</time>`;
		expect(html).toMatch(
			new RegExp(
				String.raw`<strong>Firefox on Linux</strong>\s*<span class="badge">This device</span>\s*<p class="aside">\s*Active now\s*· Signed in ${utc}`
			)
		);
		expect(html).toMatch(
			new RegExp(
				String.raw`<strong>Chrome on Windows</strong>\s*<p class="aside">\s*Last active ${utc}\s*· Signed in ${utc}\s*· IP 127\.0\.0\.1`
			)
		);
		// the session's expiry, in the same format
		expect(html).toMatch(new RegExp(String.raw`signed out at\s*<strong>${utc}</strong>`));
	});
});

describe('the account page without JavaScript', () => {
	it('sends each form back to its own section', async () => {
		const { client, device } = await person();
		await device();
		const html = await readPage(await client.get('/account'));
		for (const [action, section] of [
			['changePassword', 'change-password'],
			['endSession', 'sessions'],
			['endOtherSessions', 'sessions'],
			['deleteAccount', 'delete-account']
		]) {
			expect(html).toContain(`action="?/${action}#${section}"`);
			expect(html).toMatch(new RegExp(`<section[^>]*id="${section}"`));
		}
	});

	it('keeps the confirmation box ticked when the password was wrong', async () => {
		const { client } = await person();
		const refused = await client.post('/account?/deleteAccount#delete-account', {
			currentPassword: 'not the password',
			confirm: 'yes'
		});
		expect(refused.status).toBe(400);
		const html = await readPage(refused);
		expect(html).toMatch(/<input[^>]*id="confirm-delete"[^>]*checked/);
		expect(html).not.toContain('not the password');

		const unticked = await client.post('/account?/deleteAccount', {
			currentPassword: 'not the password'
		});
		expect(await readPage(unticked)).not.toMatch(/<input[^>]*id="confirm-delete"[^>]*checked/);
	});
});

describe('export', () => {
	it('downloads the profile and sessions as JSON, with no hash, digest or token', async () => {
		const { username, client, device } = await person(FIREFOX_LINUX);
		const other = await device(CHROME_WINDOWS);
		await client.post('/profile/edit?/save', { fullName: 'Ada', bio: 'Bio', age: '36' });

		const response = await client.get('/account/export');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^application\/json/);
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="gatehouse-${username}.json"`
		);
		const text = await response.text();
		const data = JSON.parse(text) as {
			profile: Record<string, unknown>;
			sessions: Array<Record<string, unknown>>;
		};
		expect(data.profile).toMatchObject({ username, fullName: 'Ada', bio: 'Bio', age: 36 });
		expect(data.sessions).toHaveLength(2);
		expect(data.sessions.map((session) => session.device).sort()).toEqual([
			'Chrome on Windows',
			'Firefox on Linux'
		]);
		expect(data.sessions.filter((session) => session.thisDevice)).toHaveLength(1);

		expect(text).not.toContain('$argon2');
		expect(text).not.toMatch(/[0-9a-f]{64}/);
		for (const token of [client.cookies.get('session'), other.cookies.get('session')]) {
			expect(token).toBeDefined();
			expect(text).not.toContain(token);
		}
	});

	it('sends a visitor to login', async () => {
		const response = await new Client(server.origin).get('/account/export');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/login\?/);
	});
});

describe('delete account', () => {
	it.each([
		['without the password', { currentPassword: '', confirm: 'yes' }, 'Enter your password.'],
		[
			'without the confirmation',
			{ currentPassword: PASSWORD },
			'Tick the box to confirm that the account and its data go for good.'
		],
		[
			'with a wrong password',
			{ currentPassword: 'not the password', confirm: 'yes' },
			'That is not your password.'
		]
	])('refuses %s with 400 and deletes nothing', async (_label, form, message) => {
		const { username, client } = await person();
		const before = await dataFiles();
		const response = await client.post('/account?/deleteAccount', form);
		expect(response.status).toBe(400);
		expect(await readPage(response)).toContain(message);
		expect(await dataFiles()).toEqual(before);
		expect(await storedUser(server, username)).toBeDefined();
		expect(await homeStatus(client)).toBe(200);
	});

	it('deletes the user and their sessions, says so on /, and frees the username', async () => {
		const { username, client, device } = await person();
		const otherDevice = await device();
		const oldToken = client.cookies.get('session');
		const userId = (await storedUser(server, username))?.id;
		expect(
			(await storedSessions(server)).filter((session) => session.userId === userId)
		).toHaveLength(2);

		const response = await client.post('/account?/deleteAccount', {
			currentPassword: PASSWORD,
			confirm: 'yes'
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/');
		expect(client.cookies.has('session')).toBe(false);

		const welcome = await client.get('/');
		expect(await readPage(welcome)).toContain('Your account has been deleted.');
		expect(await storedUser(server, username)).toBeUndefined();
		expect((await storedSessions(server)).filter((session) => session.userId === userId)).toEqual(
			[]
		);
		expect(await homeStatus(withToken(oldToken))).toBe(303);
		expect(await homeStatus(otherDevice)).toBe(303);
		expect((await logIn(new Client(server.origin), username, PASSWORD)).status).toBe(400);

		const again = new Client(server.origin);
		expect((await signUp(again, username, NEW_PASSWORD)).status).toBe(303);
		expect(await homeStatus(again)).toBe(200);
	});
});

describe('visitors', () => {
	it.each([
		['/profile/edit?/save', { fullName: 'Visitor', bio: '', age: '' }],
		[
			'/account?/changePassword',
			{ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }
		],
		['/account?/endSession', { sessionId: 'taken-from-a-page' }],
		['/account?/endOtherSessions', {}],
		['/account?/deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' }]
	])('posting %s is sent to login and changes nothing', async (action, form) => {
		const victim = await person();
		await victim.device();
		const [sessionId] = await listedSessionIds(victim.client);
		const fields = 'sessionId' in form ? { sessionId: sessionId ?? '' } : form;
		const before = await dataFiles();

		const response = await new Client(server.origin).post(action, fields);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/login\?/);
		expect(await dataFiles()).toEqual(before);
		expect(await homeStatus(victim.client)).toBe(200);
	});
});
