import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
	auditText,
	everythingWritten,
	storedFingerprint,
	storedSessions,
	seedStore,
	seedUsers,
	storedUser,
	storedUsers
} from '../helpers/stored';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/cli';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer, type RunningServer, type ServerOptions } from '../helpers/server';
import { backend, newStoreLocation, storeEnv, type StoreLocation } from '../helpers/backend';
import { removeDir } from '../helpers/temp-dir';

const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple purple lantern';
const ONLY_ADMIN = 'This is the only admin: make someone else an admin first.';
const LINK_INVALID = 'This link has expired, was already used, or is not valid.';
const ADMINS_ONLY = 'This page is for admins only.';
const FIRST_ACCOUNT = 'this first account becomes the <strong>admin</strong>';

const running: RunningServer[] = [];
const dirs: string[] = [];

async function start(options: ServerOptions = {}): Promise<RunningServer> {
	const server = await startServer(options);
	running.push(server);
	if (!dirs.includes(server.dataDir)) dirs.push(server.dataDir);
	return server;
}

/** An empty store of the backend under test, removed after the test. */
async function emptyStore(): Promise<StoreLocation> {
	const store = await newStoreLocation();
	dirs.push(store.dataDir);
	return store;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((server) => server.kill()));
	await Promise.all(dirs.splice(0).map(removeDir));
});

interface AuditLine {
	time: string;
	actor: string;
	action: string;
	target: string | null;
	ip: string | null;
}

async function sessionCount(server: RunningServer, userId: string): Promise<number> {
	const sessions = await storedSessions(server);
	return sessions.filter((session) => session.userId === userId).length;
}

async function signedUp(server: RunningServer, username: string): Promise<Client> {
	const client = new Client(server.origin);
	expect((await signUp(client, username, PASSWORD)).status).toBe(303);
	return client;
}

async function loggedIn(
	server: RunningServer,
	username: string,
	password = PASSWORD
): Promise<Client> {
	const client = new Client(server.origin);
	const response = await logIn(client, username, password);
	expect(response.status).toBe(303);
	return client;
}

/** alice signs up first (the admin), then bob; both stay signed in. */
async function aliceAndBob(options: ServerOptions = {}) {
	const server = await start(options);
	const alice = await signedUp(server, 'alice');
	const bob = await signedUp(server, 'bob');
	const users = await storedUsers(server);
	const idOf = (username: string) => users.find((user) => user.username === username)?.id ?? '';
	return { server, alice, bob, aliceId: idOf('alice'), bobId: idOf('bob') };
}

const hasAdminLink = (html: string) => /<a href="\/admin"[^>]*>Admin<\/a>/.test(html);
const resetLinkIn = (html: string) => /<code class="link">([^<]+)<\/code>/.exec(html)?.[1] ?? '';
const tableUsernames = (html: string) =>
	[...html.matchAll(/<a href="\/admin\/users\/[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]);
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const isSignedInAt = async (client: Client) => (await client.get('/home')).status === 200;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The action redirects (no re-post on reload); the page it leads to shows the link once. */
async function createResetLink(admin: Client, userId: string): Promise<string> {
	const response = await admin.post(`/admin/users/${userId}?/createResetLink#reset-link`, {});
	expect(response.status).toBe(303);
	expect(response.headers.get('location')).toBe(`/admin/users/${userId}#reset-link`);
	expect(await response.text()).not.toContain('/reset-password/');
	const link = resetLinkIn(await (await admin.get(`/admin/users/${userId}`)).text());
	expect(link).toMatch(/\/reset-password\/[^/]+$/);
	return link;
}

const setRole = (admin: Client, userId: string, role: string) =>
	admin.post(`/admin/users/${userId}?/setRole`, { role, confirm: 'yes' });

function setPassword(client: Client, link: string, password: string): Promise<Response> {
	return client.post(new URL(link).pathname, { newPassword: password, confirmPassword: password });
}

describe('the first account', () => {
	it('becomes the admin, which the signup page announces only while nobody has signed up', async () => {
		const server = await start();
		expect(await (await new Client(server.origin).get('/signup')).text()).toContain(FIRST_ACCOUNT);
		const alice = await signedUp(server, 'alice');
		expect((await storedUser(server, 'alice'))?.role).toBe('admin');

		expect(await (await new Client(server.origin).get('/signup')).text()).not.toContain(
			FIRST_ACCOUNT
		);
		const bob = await signedUp(server, 'bob');
		expect((await storedUser(server, 'bob'))?.role).toBe('user');

		expect(hasAdminLink(await (await alice.get('/home')).text())).toBe(true);
		expect(hasAdminLink(await (await bob.get('/home')).text())).toBe(false);
		expect((await alice.get('/admin')).status).toBe(200);
	});

	it('goes to exactly one of many simultaneous first signups', async () => {
		const server = await start();
		const names = ['ann', 'ben', 'cat', 'dan', 'eve'];
		const responses = await Promise.all(
			names.map((name) => signUp(new Client(server.origin), name, PASSWORD))
		);
		expect(responses.map((response) => response.status)).toEqual(names.map(() => 303));
		const roles = (await storedUsers(server)).map((user) => user.role);
		expect(roles.sort()).toEqual(['admin', 'user', 'user', 'user', 'user']);
	});
});

describe('who may use the admin area', () => {
	/** Every admin action, aimed so that each would change something if it ran. */
	function attacks(ids: { aliceId: string; bobId: string; carolId: string }) {
		return [
			['/admin?/createUser', { username: 'mallory', role: 'admin' }],
			[`/admin/users/${ids.bobId}?/setRole`, { role: 'admin', confirm: 'yes' }],
			[`/admin/users/${ids.aliceId}?/endSessions`, {}],
			[`/admin/users/${ids.aliceId}?/createResetLink`, {}],
			[`/admin/users/${ids.carolId}?/deleteUser`, { confirm: 'carol' }]
		] as const;
	}

	async function threeUsers() {
		const setup = await aliceAndBob();
		await signedUp(setup.server, 'carol');
		const carolId = (await storedUser(setup.server, 'carol'))?.id ?? '';
		return { ...setup, carolId };
	}

	it('sends a visitor to the login page from every admin page and action', async () => {
		const { server, aliceId, bobId, carolId } = await threeUsers();
		const before = await storedFingerprint(server);
		const visitor = new Client(server.origin);
		for (const page of ['/admin', `/admin/users/${aliceId}`, '/admin?q=al&page=2']) {
			const response = await visitor.get(page);
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toBe(
				`/login?redirectTo=${encodeURIComponent(page)}`
			);
		}
		for (const [action, fields] of attacks({ aliceId, bobId, carolId })) {
			const response = await visitor.post(action, fields);
			expect(response.status, action).toBe(303);
			expect(response.headers.get('location'), action).toMatch(/^\/login\?redirectTo=%2Fadmin/);
		}
		expect(await storedFingerprint(server)).toEqual(before);
	});

	it('answers a signed-in user with 403 for every admin page and action, changing nothing', async () => {
		const { server, alice, bob, aliceId, bobId, carolId } = await threeUsers();
		const before = await storedFingerprint(server);
		for (const page of ['/admin', `/admin/users/${aliceId}`, `/admin/users/${bobId}`]) {
			const response = await bob.get(page);
			expect(response.status, page).toBe(403);
			const html = await response.text();
			expect(html).toContain(ADMINS_ONLY);
			expect(html).not.toContain('carol');
		}
		for (const [action, fields] of attacks({ aliceId, bobId, carolId })) {
			const plain = await bob.post(action, fields);
			expect(plain.status, action).toBe(403);
			expect(await plain.text()).toContain(ADMINS_ONLY);
			// as `use:enhance` sends it
			const enhanced = await bob.post(action, fields, {
				headers: { accept: 'application/json', 'x-sveltekit-action': 'true' }
			});
			expect(enhanced.status, action).toBe(403);
			expect(await enhanced.json()).toMatchObject({
				type: 'error',
				error: { message: ADMINS_ONLY }
			});
		}
		expect(await storedFingerprint(server)).toEqual(before);
		expect((await alice.get('/admin')).status).toBe(200);
	});

	it('serves the admin pages and their data to an admin', async () => {
		const { alice, bobId } = await threeUsers();
		const list = await alice.get('/admin');
		expect(list.status).toBe(200);
		expect(tableUsernames(await list.text()).sort()).toEqual(['alice', 'bob', 'carol']);
		const detail = await alice.get(`/admin/users/${bobId}`);
		expect(detail.status).toBe(200);
		expect(await detail.text()).toContain('<h1>bob</h1>');
		const data = await (await alice.get('/admin/__data.json')).text();
		expect(data).toContain('carol');
		expect(data).not.toMatch(/passwordHash|argon2|secretHash/);
	});

	it('leaks no one else’s data through __data.json to a user or a visitor', async () => {
		const { server, bob, aliceId } = await threeUsers();
		const visitor = new Client(server.origin);
		const probes = [
			'/admin/__data.json',
			'/admin/__data.json?q=car',
			// skips the layouts' loads (root, admin), as client-side navigation may: the page must
			// check itself
			'/admin/__data.json?x-sveltekit-invalidated=001',
			`/admin/users/${aliceId}/__data.json`,
			`/admin/users/${aliceId}/__data.json?x-sveltekit-invalidated=001`
		];
		for (const probe of probes) {
			const asUser = await bob.get(probe);
			const userText = await asUser.text();
			expect(userText, probe).not.toMatch(/alice|carol|passwordHash|argon2|secretHash/);
			if (asUser.status === 200) {
				const body = JSON.parse(userText) as { nodes: { type: string; status?: number }[] };
				expect(body.nodes.at(-1), probe).toMatchObject({ type: 'error', status: 403 });
			} else expect(asUser.status, probe).toBe(403);

			const asVisitor = await visitor.get(probe);
			const visitorText = await asVisitor.text();
			expect(visitorText, probe).not.toMatch(/carol|passwordHash|argon2|secretHash/);
			expect(JSON.parse(visitorText), probe).toMatchObject({
				type: 'redirect',
				location: expect.stringMatching(/^\/login\?redirectTo=%2Fadmin/)
			});
		}
	});
});

describe('the users table', () => {
	it('pages through 61 users 50 at a time, newest first, and searches by username', async () => {
		const store = await emptyStore();
		const members = Array.from({ length: 60 }, (_, i) => `member${String(i).padStart(2, '0')}`);
		await seedUsers(store, [
			{ username: 'alice', role: 'admin', password: PASSWORD },
			...members.map((username) => ({ username }))
		]);
		const server = await start({ store });
		const alice = await loggedIn(server, 'alice');
		const page = async (query: string) => (await alice.get(`/admin${query}`)).text();

		const first = await page('');
		expect(first).toContain('Users (61)');
		expect(first).toContain('Page 1 of 2');
		const firstRows = tableUsernames(first);
		expect(firstRows).toEqual(members.slice(10).reverse());
		expect(first).toContain('href="/admin?page=2#users">Next</a>');
		expect(first).not.toContain('>Previous</a>');

		const second = await page('?page=2');
		expect(second).toContain('Page 2 of 2');
		expect(tableUsernames(second)).toEqual([...members.slice(0, 10).reverse(), 'alice']);
		expect(second).toContain('href="/admin#users">Previous</a>');
		expect(second).not.toContain('>Next</a>');

		// out-of-range pages land on the nearest real one
		expect(tableUsernames(await page('?page=99'))).toEqual(tableUsernames(second));
		expect(tableUsernames(await page('?page=0'))).toEqual(firstRows);
		expect(tableUsernames(await page('?page=abc'))).toEqual(firstRows);

		const search = await page('?q=MEMBER0');
		expect(search).toContain('Users (10)');
		expect(tableUsernames(search)).toEqual(members.slice(0, 10).reverse());
		expect(search).not.toContain('Page 1 of');
		expect(search).toContain('value="MEMBER0"');

		const searchPage = await page('?q=member&page=2');
		expect(searchPage).toContain('Users (60)');
		expect(tableUsernames(searchPage)).toEqual(members.slice(0, 10).reverse());
		expect(searchPage).toContain('href="/admin?q=member#users">Previous</a>');

		const none = await page('?q=nobody');
		expect(none).toContain('Users (0)');
		expect(none).toContain('No users match.');
	});
});

describe('the last admin', () => {
	it('cannot be demoted or deleted, neither from the admin page nor from /account', async () => {
		const { server, alice, bob, aliceId, bobId } = await aliceAndBob();
		const before = await storedFingerprint(server, ['users']);
		const attempts = [
			await setRole(alice, aliceId, 'user'),
			await alice.post(`/admin/users/${aliceId}?/deleteUser`, { confirm: 'alice' }),
			await alice.post('/account?/deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' })
		];
		for (const response of attempts) {
			expect(response.status).toBe(400);
			expect(await response.text()).toContain(ONLY_ADMIN);
		}
		expect(await storedFingerprint(server, ['users'])).toBe(before);
		expect((await alice.get('/admin')).status).toBe(200);

		const promote = await setRole(alice, bobId, 'admin');
		expect(promote.status).toBe(303);
		expect(promote.headers.get('location')).toBe(`/admin/users/${bobId}#main`);
		const stepDown = await setRole(alice, aliceId, 'user');
		expect(stepDown.status).toBe(303);
		expect((await storedUser(server, 'alice'))?.role).toBe('user');
		expect((await alice.get('/admin')).status).toBe(403);

		// now bob is the only admin, and the same rule protects him
		const bobStepsDown = await setRole(bob, bobId, 'user');
		expect(bobStepsDown.status).toBe(400);
		expect(await bobStepsDown.text()).toContain(ONLY_ADMIN);
		expect((await storedUser(server, 'bob'))?.role).toBe('admin');
	});
});

describe('changes to a signed-in user', () => {
	it('applies a demotion on the demoted user’s very next request', async () => {
		const { server, alice, bob, aliceId, bobId } = await aliceAndBob();
		expect((await setRole(alice, bobId, 'admin')).status).toBe(303);
		expect(hasAdminLink(await (await bob.get('/home')).text())).toBe(true);
		expect((await bob.get('/admin')).status).toBe(200);

		const unknownRole = await setRole(alice, bobId, 'root');
		expect(unknownRole.status).toBe(400);
		expect(await unknownRole.text()).toContain('Choose the role user or admin.');
		expect((await storedUser(server, 'bob'))?.role).toBe('admin');

		expect((await setRole(alice, bobId, 'user')).status).toBe(303);
		expect((await bob.get('/admin')).status).toBe(403);
		const home = await bob.get('/home');
		expect(home.status).toBe(200);
		expect(hasAdminLink(await home.text())).toBe(false);
		expect((await bob.post(`/admin/users/${aliceId}?/createResetLink`, {})).status).toBe(403);
		expect(await sessionCount(server, bobId)).toBe(1);
	});

	it('treats a deleted user as a visitor on their next request', async () => {
		const { server, alice, bob, bobId } = await aliceAndBob();
		const wrong = await alice.post(`/admin/users/${bobId}?/deleteUser`, { confirm: 'alice' });
		expect(wrong.status).toBe(400);
		expect(await wrong.text()).toContain('Type bob to confirm.');
		expect(await storedUser(server, 'bob')).toBeDefined();
		expect((await bob.get('/home')).status).toBe(200);

		const remove = await alice.post(`/admin/users/${bobId}?/deleteUser`, { confirm: 'bob' });
		expect(remove.status).toBe(303);
		expect(remove.headers.get('location')).toBe('/admin#main');
		expect(await (await alice.get('/admin')).text()).toContain('bob was deleted.');
		expect(await storedUser(server, 'bob')).toBeUndefined();
		expect(await sessionCount(server, bobId)).toBe(0);

		const next = await bob.get('/home');
		expect(next.status).toBe(303);
		expect(next.headers.get('location')).toMatch(/^\/login\?redirectTo=%2Fhome/);
		expect(bob.cookies.has('session')).toBe(false);
		// the name is free again, for a new account that is no admin
		await signedUp(server, 'bob');
		expect((await storedUser(server, 'bob'))?.role).toBe('user');
	});

	it('ends every session of a user, who can log in again', async () => {
		const { server, alice, bob, aliceId, bobId } = await aliceAndBob();
		const bobOnPhone = await loggedIn(server, 'bob');
		const end = await alice.post(`/admin/users/${bobId}?/endSessions`, {});
		expect(end.status).toBe(303);
		expect(end.headers.get('location')).toBe(`/admin/users/${bobId}#main`);
		expect(await (await alice.get(`/admin/users/${bobId}`)).text()).toContain(
			'Signed bob out of 2 sessions.'
		);
		for (const client of [bob, bobOnPhone]) {
			const response = await client.get('/home');
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toMatch(/^\/login/);
		}
		expect(await sessionCount(server, bobId)).toBe(0);
		expect(await sessionCount(server, aliceId)).toBe(1);
		expect((await alice.get('/admin')).status).toBe(200);
		await loggedIn(server, 'bob');
	});
});

describe('password reset links', () => {
	it('sets a new password once, ending every session of the user', async () => {
		const { server, alice, bob, bobId } = await aliceAndBob();
		const bobOnPhone = await loggedIn(server, 'bob');
		const link = await createResetLink(alice, bobId);
		expect(link).toMatch(new RegExp(`^${server.origin}/reset-password/${bobId}\\.[a-z2-7]{32}$`));
		const secret = link.split('.').at(-1) ?? '';
		expect(JSON.stringify(await everythingWritten(server))).not.toContain(secret);
		expect((await storedUser(server, 'bob'))?.passwordReset?.secretHash).toBe(sha256Hex(secret));
		expect(await (await alice.get(`/admin/users/${bobId}`)).text()).toContain(
			'A link is pending, valid until'
		);

		const visitor = new Client(server.origin);
		const form = await visitor.get(new URL(link).pathname);
		expect(form.status).toBe(200);
		expect(form.headers.get('cache-control')).toBe('no-store');
		expect(form.headers.get('referrer-policy')).toBe('no-referrer');
		const formHtml = await form.text();
		expect(formHtml).toContain('For <strong>bob</strong>.');
		expect(formHtml).toContain('name="newPassword"');

		const mismatch = await visitor.post(new URL(link).pathname, {
			newPassword: NEW_PASSWORD,
			confirmPassword: 'something else entirely'
		});
		expect(mismatch.status).toBe(400);
		expect(await mismatch.text()).toContain('The passwords do not match.');

		const done = await setPassword(visitor, link, NEW_PASSWORD);
		expect(done.status).toBe(303);
		expect(done.headers.get('location')).toBe('/login');
		expect(await (await visitor.get('/login')).text()).toContain('Your new password is set.');

		for (const client of [bob, bobOnPhone]) expect((await client.get('/home')).status).toBe(303);
		expect(await sessionCount(server, bobId)).toBe(0);
		expect((await logIn(new Client(server.origin), 'bob', PASSWORD)).status).toBe(400);
		await loggedIn(server, 'bob', NEW_PASSWORD);

		// the same link a second time
		const hashAfterReset = (await storedUser(server, 'bob'))?.passwordHash;
		const again = await visitor.get(new URL(link).pathname);
		const againHtml = await again.text();
		expect(againHtml).toContain(LINK_INVALID);
		expect(againHtml).not.toContain('name="newPassword"');
		const reuse = await setPassword(visitor, link, 'a third password here');
		expect(reuse.status).toBe(400);
		expect(await reuse.text()).toContain(LINK_INVALID);
		expect((await storedUser(server, 'bob'))?.passwordHash).toBe(hashAfterReset);
		await loggedIn(server, 'bob', NEW_PASSWORD);
	});

	it('refuses unknown, garbled and replaced tokens without using up the real link', async () => {
		const { server, alice, aliceId, bobId } = await aliceAndBob();
		const replaced = await createResetLink(alice, bobId);
		const link = await createResetLink(alice, bobId);
		const secret = link.split('.').at(-1) ?? '';
		const before = await storedFingerprint(server, ['users']);
		const visitor = new Client(server.origin);
		const tokens = [
			new URL(replaced).pathname.split('/').at(-1) ?? '',
			'nonsense',
			secret,
			`.${secret}`,
			`${bobId}.`,
			`${bobId}.${'a'.repeat(32)}`,
			`${bobId}.${secret.toUpperCase()}`,
			`${bobId}.${secret}a`,
			`${aliceId}.${secret}`,
			`${randomUUID()}.${secret}`,
			encodeURIComponent(`${bobId}.${secret}\n`)
		];
		for (const token of tokens) {
			const page = await visitor.get(`/reset-password/${token}`);
			const html = await page.text();
			expect(html, token).toContain(LINK_INVALID);
			expect(html, token).not.toContain('name="newPassword"');
			const post = await visitor.post(`/reset-password/${token}`, {
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			});
			expect(post.status, token).toBe(400);
			expect(await post.text(), token).toContain(LINK_INVALID);
		}
		expect(await storedFingerprint(server, ['users'])).toBe(before);
		expect((await setPassword(visitor, link, NEW_PASSWORD)).status).toBe(303);
		await loggedIn(server, 'bob', NEW_PASSWORD);
	});

	it('refuses a link after PASSWORD_RESET_SECONDS', async () => {
		const { server, alice, bobId } = await aliceAndBob({ env: { PASSWORD_RESET_SECONDS: '1' } });
		const link = await createResetLink(alice, bobId);
		const visitor = new Client(server.origin);
		expect(await (await visitor.get(new URL(link).pathname)).text()).toContain(
			'name="newPassword"'
		);
		await wait(1200);
		expect(await (await visitor.get(new URL(link).pathname)).text()).toContain(LINK_INVALID);
		const late = await setPassword(visitor, link, NEW_PASSWORD);
		expect(late.status).toBe(400);
		expect(await late.text()).toContain(LINK_INVALID);
		expect((await logIn(new Client(server.origin), 'bob', NEW_PASSWORD)).status).toBe(400);
		await loggedIn(server, 'bob');
	});
});

describe('with ALLOW_SIGNUP=false', () => {
	it('closes signup, and an admin from the CLI creates accounts with one-time links', async () => {
		const dataDir = await emptyStore();
		const created = await runScript(
			'users',
			['create', 'root', '--admin', '--password-stdin'],
			storeEnv(dataDir),
			PASSWORD
		);
		expect(created.code).toBe(0);
		const server = await start({ store: dataDir, env: { ALLOW_SIGNUP: 'false' } });
		const before = await storedFingerprint(dataDir);

		const visitor = new Client(server.origin);
		const signupPage = await (await visitor.get('/signup')).text();
		expect(signupPage).toContain('Signing up is closed here.');
		expect(signupPage).not.toContain('name="password"');
		const refused = await signUp(visitor, 'eve', PASSWORD);
		expect(refused.status).toBe(403);
		expect(await refused.text()).toContain('Signing up is closed here.');
		expect(visitor.cookies.has('session')).toBe(false);
		expect(await storedFingerprint(dataDir)).toEqual(before);

		const root = await loggedIn(server, 'root');
		const create = await root.post('/admin?/createUser', { username: ' NewBie ' });
		expect(create.status).toBe(303);
		expect(create.headers.get('location')).toBe('/admin#create-account');
		const html = await (await root.get('/admin')).text();
		expect(html).toContain('Account <strong>newbie</strong> created.');
		expect(html).toContain('valid for 30 minutes');
		const link = resetLinkIn(html);
		// shown once: a reload shows it no more
		expect(await (await root.get('/admin')).text()).not.toContain(link);
		expect((await storedUser(dataDir, 'newbie'))?.role).toBe('user');

		const taken = await root.post('/admin?/createUser', { username: 'newbie' });
		expect(taken.status).toBe(400);
		expect(await taken.text()).toContain('That username is already taken.');
		const bad = await root.post('/admin?/createUser', { username: 'no spaces allowed' });
		expect(bad.status).toBe(400);
		expect(await storedUser(dataDir, 'no spaces allowed')).toBeUndefined();

		const newbie = new Client(server.origin);
		expect(await (await newbie.get(new URL(link).pathname)).text()).toContain(
			'For <strong>newbie</strong>.'
		);
		expect((await setPassword(newbie, link, NEW_PASSWORD)).status).toBe(303);
		const login = await logIn(newbie, 'newbie', NEW_PASSWORD);
		expect(login.status).toBe(303);
		expect(login.headers.get('location')).toBe('/home');
		expect((await newbie.get('/admin')).status).toBe(403);

		const asAdmin = await root.post('/admin?/createUser', { username: 'deputy', role: 'admin' });
		expect(asAdmin.status).toBe(303);
		expect((await storedUser(dataDir, 'deputy'))?.role).toBe('admin');
	});
});

describe('the audit log', () => {
	it('records each event as one JSON line, without passwords or tokens', async () => {
		const dataDir = await emptyStore();
		await seedUsers(dataDir, [
			{ username: 'alice', role: 'admin', password: PASSWORD },
			{ username: 'bob', password: PASSWORD }
		]);
		const server = await start({ store: dataDir });
		const forged = 'x\n{"action":"admin.set-role"}';
		const wrongPassword = 'not bob’s password';

		expect((await logIn(new Client(server.origin), 'bob', wrongPassword)).status).toBe(400);
		expect((await logIn(new Client(server.origin), forged, wrongPassword)).status).toBe(400);
		await loggedIn(server, 'bob');
		const alice = await loggedIn(server, 'alice');
		const bobId = (await storedUser(dataDir, 'bob'))?.id ?? '';
		const link = await createResetLink(alice, bobId);
		expect((await setPassword(new Client(server.origin), link, NEW_PASSWORD)).status).toBe(303);

		const log = await auditText(dataDir);
		if (backend === 'json') {
			expect((await fs.stat(path.join(server.dataDir, 'audit.log'))).mode & 0o777).toBe(0o600);
		}
		const lines = log.trimEnd().split('\n');
		const entries = lines.map((line) => JSON.parse(line) as AuditLine);
		expect(entries.map(({ actor, action, target }) => ({ actor, action, target }))).toEqual([
			{ actor: 'bob', action: 'login.failure', target: null },
			{ actor: forged, action: 'login.failure', target: null },
			{ actor: 'bob', action: 'login.success', target: null },
			{ actor: 'alice', action: 'login.success', target: null },
			{ actor: 'alice', action: 'admin.reset-link', target: 'bob' },
			{ actor: 'bob', action: 'password.reset', target: 'bob' }
		]);
		for (const entry of entries) {
			expect(Object.keys(entry).sort()).toEqual(['action', 'actor', 'ip', 'target', 'time']);
			expect(new Date(entry.time).toISOString()).toBe(entry.time);
			expect(entry.ip).toMatch(/127\.0\.0\.1/);
		}
		const token = new URL(link).pathname.split('/').at(-1) ?? '';
		for (const secret of [PASSWORD, wrongPassword, NEW_PASSWORD, token, token.slice(37)]) {
			expect(log).not.toContain(secret);
		}

		// the admin page says it in words, newest first
		const adminPage = await (await alice.get('/admin')).text();
		const shown = [
			'bob set a new password with a reset link',
			'alice made a password reset link for bob',
			'Failed sign-in as bob'
		].map((sentence) => adminPage.indexOf(`<td>${sentence}</td>`));
		expect(shown.every((index) => index > 0)).toBe(true);
		expect(shown).toEqual([...shown].sort((a, b) => a - b));
	});

	it('records what people do to their own accounts, in words on the admin page', async () => {
		const { server, alice, bob, aliceId } = await aliceAndBob();
		const bobOnPhone = await loggedIn(server, 'bob');
		await loggedIn(server, 'bob');
		const listed = await (await bob.get('/account')).text();
		const otherSession = /name="sessionId" value="([0-9a-f]+)"/.exec(listed)?.[1] ?? '';
		expect((await bob.post('/account?/endSession', { sessionId: otherSession })).status).toBe(303);
		expect((await bob.post('/account?/endOtherSessions', {})).status).toBe(303);
		const change = await bob.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(change.status).toBe(303);
		const deletion = await bob.post('/account?/deleteAccount', {
			currentPassword: NEW_PASSWORD,
			confirm: 'yes'
		});
		expect(deletion.status).toBe(303);
		expect(await isSignedInAt(bobOnPhone)).toBe(false);
		expect((await alice.post(`/admin/users/${aliceId}?/endSessions`, {})).status).toBe(303);

		const actions = (await auditText(server))
			.trimEnd()
			.split('\n')
			.map((line) => JSON.parse(line));
		expect(actions.map((entry) => `${entry.actor} ${entry.action}`)).toEqual(
			expect.arrayContaining([
				'alice account.signup',
				'bob account.signup',
				'bob sessions.end-one',
				'bob sessions.end-others',
				'bob password.change',
				'bob account.delete',
				'alice admin.end-sessions'
			])
		);
		const admin = await loggedIn(server, 'alice');
		const page = await (await admin.get('/admin')).text();
		for (const sentence of [
			'alice signed up as the first admin',
			'bob signed up',
			'bob signed out one of their other sessions',
			'bob signed out all their other sessions',
			'bob changed their password',
			'bob deleted their account',
			'alice signed alice out everywhere'
		]) {
			expect(page).toContain(`<td>${sentence}</td>`);
		}
		expect(page).not.toContain(NEW_PASSWORD);
	});
});

/** The page as a reader sees it, without Svelte's hydration markers (`<!--[-->`). */
const readable = async (response: Response) =>
	(await response.text()).replace(/<!--[\s\S]*?-->/g, '');

describe('role changes', () => {
	it('ask for a tick in the same form, and keep the tick when refused for another reason', async () => {
		const { server, alice, aliceId, bobId } = await aliceAndBob();
		const page = await readable(await alice.get(`/admin/users/${bobId}`));
		expect(page).toContain('action="?/setRole#role"');
		const box = /<input[^>]*id="confirm-role"[^>]*>/.exec(page)?.[0] ?? '';
		for (const attribute of ['name="confirm"', 'type="checkbox"', 'required']) {
			expect(box).toContain(attribute);
		}
		expect(page).toContain('Yes, make bob an admin</label>');

		const before = await storedFingerprint(server, ['users']);
		const unconfirmed = await alice.post(`/admin/users/${bobId}?/setRole`, { role: 'admin' });
		expect(unconfirmed.status).toBe(400);
		const html = await readable(unconfirmed);
		expect(html).toContain('Tick the box to confirm the new role.');
		expect(html).not.toMatch(/id="confirm-role"[^>]*checked/);
		expect(await storedFingerprint(server, ['users'])).toBe(before);

		// refused although ticked: the box comes back ticked
		const lastAdmin = await setRole(alice, aliceId, 'user');
		expect(lastAdmin.status).toBe(400);
		const refusedHtml = await readable(lastAdmin);
		expect(refusedHtml).toContain(ONLY_ADMIN);
		expect(refusedHtml).toMatch(/<input[^>]*id="confirm-role"[^>]*checked/);
		expect(refusedHtml).toContain('Yes, make alice a regular user (you lose the admin area)');

		expect((await setRole(alice, bobId, 'admin')).status).toBe(303);
		expect((await storedUser(server, 'bob'))?.role).toBe('admin');
	});
});

describe('one-time links', () => {
	it('redirect after the action, show the link once with its validity, and never put it in a URL or a readable cookie', async () => {
		const { server, alice, bobId } = await aliceAndBob({
			env: { PASSWORD_RESET_SECONDS: '3600' }
		});
		const post = await alice.post(`/admin/users/${bobId}?/createResetLink`, {});
		expect(post.status).toBe(303);
		const location = post.headers.get('location') ?? '';
		expect(location).toBe(`/admin/users/${bobId}#reset-link`);
		const cookie = [...alice.cookies.values()].join(';');

		const page = await readable(await alice.get(location));
		const link = resetLinkIn(page);
		const secret = link.split('.').at(-1) ?? '';
		expect(secret).toMatch(/^[a-z2-7]{32}$/);
		expect(page).toContain('valid for 1 hour');
		expect(page).toMatch(/valid for 1 hour \(until <time datetime="[^"]+">[^<]+ UTC<\/time>\)/);
		expect(cookie).not.toContain(secret);

		// a reload, or another admin, does not see it again
		const reload = await readable(await alice.get(location));
		expect(reload).not.toContain(secret);
		expect(reload).toContain('A link is pending, valid until');
		expect(await storedUser(server, 'bob')).toMatchObject({
			passwordReset: { secretHash: sha256Hex(secret) }
		});
	});

	it('is shown only to the admin who made it', async () => {
		const { server, alice, bobId } = await aliceAndBob();
		expect((await alice.post(`/admin/users/${bobId}?/createResetLink`, {})).status).toBe(303);
		// bob becomes admin and signs in on alice's browser (her cookies), before the page loads
		expect((await setRole(alice, bobId, 'admin')).status).toBe(303);
		const bobHere = new Client(server.origin);
		for (const [name, value] of alice.cookies)
			if (name !== 'session') bobHere.cookies.set(name, value);
		expect((await logIn(bobHere, 'bob', PASSWORD)).status).toBe(303);
		expect(resetLinkIn(await (await bobHere.get(`/admin/users/${bobId}`)).text())).toBe('');
	});
});

describe('the admin pages without JavaScript', () => {
	it('send each form back to its own section, and keep a ticked box ticked', async () => {
		const { alice, bobId } = await aliceAndBob();
		const admin = await readable(await alice.get('/admin'));
		expect(admin).toContain('action="?/createUser#create-account"');
		expect(admin).toContain('id="create-account"');
		const user = await readable(await alice.get(`/admin/users/${bobId}`));
		for (const [action, section] of [
			['setRole', 'role'],
			['endSessions', 'sessions'],
			['createResetLink', 'reset-link'],
			['deleteUser', 'delete']
		]) {
			expect(user).toContain(`action="?/${action}#${section}"`);
			expect(user).toContain(`id="${section}"`);
		}

		const refused = await alice.post('/admin?/createUser#create-account', {
			username: 'no spaces allowed',
			role: 'admin'
		});
		expect(refused.status).toBe(400);
		const html = await readable(refused);
		expect(html).toMatch(/<input[^>]*id="new-role"[^>]*checked/);
		expect(html).toContain('value="no spaces allowed"');

		const wrongName = await alice.post(`/admin/users/${bobId}?/deleteUser`, { confirm: 'bobby' });
		expect(await readable(wrongName)).toMatch(/<input[^>]*name="confirm"[^>]*value="bobby"/);
	});

	it('make the tables scroll inside a focusable, named region, with labelled cells for phones', async () => {
		const { alice } = await aliceAndBob();
		const html = await readable(await alice.get('/admin'));
		for (const heading of ['users-heading', 'audit-heading']) {
			expect(html).toMatch(
				new RegExp(
					`<div class="table-wrap[^"]*" role="region" aria-labelledby="${heading}" tabindex="0">`
				)
			);
		}
		expect(html).toContain('<td data-label="Role">admin</td>');
	});
});

describe('the activity list', () => {
	it('pages through the trail 25 at a time, newest first, with links that work without JavaScript', async () => {
		const store = await emptyStore();
		await seedUsers(store, [{ username: 'alice', role: 'admin', password: PASSWORD }]);
		const epoch = Date.parse('2026-03-01T00:00:00.000Z');
		await seedStore(store, async (seeded) => {
			for (let i = 0; i < 30; i++) {
				await seeded.audit.append({
					time: new Date(epoch + i * 60_000).toISOString(),
					actor: `person${String(i).padStart(2, '0')}`,
					action: 'logout',
					target: null,
					ip: null
				});
			}
		});
		const server = await start({ store });
		const alice = await loggedIn(server, 'alice');
		const signedOut = (html: string) =>
			[...html.matchAll(/<td>(person\d\d) signed out<\/td>/g)].map((match) => match[1]);

		// 31 entries: alice's sign-in, then the 30 seeded ones, newest first
		const first = await readable(await alice.get('/admin'));
		expect(first).toContain('<td>alice signed in</td>');
		expect(signedOut(first)).toHaveLength(24);
		expect(signedOut(first)[0]).toBe('person29');
		expect(first).toContain('href="/admin?log=2#activity">Older</a>');
		expect(first).not.toContain('>Newer</a>');
		expect(first).toContain(
			'<time datetime="2026-03-01T00:29:00.000Z">1 Mar 2026, 00:29 UTC</time>'
		);

		const second = await readable(await alice.get('/admin?log=2'));
		expect(signedOut(second)).toEqual([
			'person05',
			'person04',
			'person03',
			'person02',
			'person01',
			'person00'
		]);
		expect(second).toContain('Page 2');
		expect(second).toContain('href="/admin#activity">Newer</a>');
		expect(second).not.toContain('>Older</a>');

		// the users table keeps its own place while the trail pages
		const both = await readable(await alice.get('/admin?q=ali&log=2'));
		expect(both).toContain('href="/admin?q=ali#activity">Newer</a>');

		const beyond = await readable(await alice.get('/admin?log=9'));
		expect(beyond).toContain('No older entries.');
		expect(beyond).toContain('href="/admin?log=8#activity">Newer</a>');
	});
});
