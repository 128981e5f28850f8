import { beforeAll, describe, expect, it } from 'vitest';
import { addApp, addGroup, appForm, askAsCaddy, askAsNginx, putInGroups } from '../helpers/apps';
import { Client, logIn } from '../helpers/client';
import {
	PASSWORD,
	signedInUser,
	signUpAdmin,
	useOwnServers,
	useSharedServer
} from '../helpers/security';
import { auditText, everythingWritten, storedUser } from '../helpers/stored';

/*
 * /auth/verify as the proxies ask it, the apps and groups admins set up for it, and the way back
 * to an app after signing in. The proxies themselves are in proxies.test.ts.
 */

const server = useSharedServer();
let admin: Client;
let bob: Client;
let carol: Client;
let carolName: string;

beforeAll(async () => {
	admin = await signUpAdmin(server());
	const ops = await addGroup(admin, 'ops');
	await addGroup(admin, 'design');
	({ client: bob } = await signedInUser(server(), 'bob'));
	({ client: carol, username: carolName } = await signedInUser(server(), 'carol'));
	const bobId = (await storedUser(server(), 'bob'))?.id ?? '';
	await putInGroups(admin, bobId, [ops]);
	await addApp(admin, { name: 'Grafana', host: 'grafana.test', access: 'groups', groups: [ops] });
	await addApp(admin, {
		name: 'Wiki',
		host: 'tools.test',
		pathPrefix: '/wiki',
		access: 'signed-in'
	});
	await addApp(admin, { name: 'Admin tool', host: 'tools.test', access: 'admins' });
});

describe('/auth/verify', () => {
	it('lets a member in, naming them and their groups, with an empty body', async () => {
		const response = await askAsNginx(bob, 'https://grafana.test/d/home?x=1');
		expect(response.status).toBe(200);
		expect(response.headers.get('remote-user')).toBe('bob');
		expect(response.headers.get('remote-groups')).toBe('ops');
		expect(response.headers.get('remote-name')).toBe('');
		expect(response.headers.get('cache-control')).toBe('no-store');
		expect(await response.text()).toBe('');
	});

	it('sends the full name as UTF-8 bytes', async () => {
		const { client } = await signedInUser(server());
		const saved = await client.post('/profile/edit?/save', {
			fullName: 'Zoë Ünal',
			bio: '',
			age: ''
		});
		expect(saved.status).toBe(303);
		const response = await askAsNginx(client, 'https://tools.test/wiki');
		const raw = response.headers.get('remote-name') ?? '';
		expect(Buffer.from(raw, 'latin1').toString('utf8')).toBe('Zoë Ünal');
	});

	it('answers HEAD like GET', async () => {
		const response = await bob.request('/auth/verify', {
			method: 'HEAD',
			headers: { 'x-original-url': 'https://grafana.test/' }
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('remote-user')).toBe('bob');
	});

	it('refuses someone outside the chosen groups with 403, admins too', async () => {
		expect((await askAsNginx(carol, 'https://grafana.test/')).status).toBe(403);
		expect((await askAsCaddy(carol, 'https://grafana.test/')).status).toBe(403);
		expect((await askAsNginx(admin, 'https://grafana.test/')).status).toBe(403);
	});

	it('sends admins as members of "admins" and keeps admins-only apps to them', async () => {
		const response = await askAsCaddy(admin, 'https://tools.test/settings');
		expect(response.status).toBe(200);
		expect(response.headers.get('remote-user')).toBe('theadmin');
		expect(response.headers.get('remote-groups')).toBe('admins');
		expect((await askAsCaddy(bob, 'https://tools.test/settings')).status).toBe(403);
	});

	it('matches a path prefix by whole segments, after resolving dot segments', async () => {
		expect((await askAsNginx(carol, 'https://tools.test/wiki')).status).toBe(200);
		expect((await askAsNginx(carol, 'https://tools.test/wiki/Page?edit')).status).toBe(200);
		expect((await askAsNginx(carol, 'https://tools.test/wikipedia')).status).toBe(403);
		expect((await askAsNginx(carol, 'https://tools.test/')).status).toBe(403);
		for (const sneaky of ['/wiki/../admin', '/wiki/%2e%2e/admin', '/wiki/./../admin']) {
			expect((await askAsNginx(carol, `https://tools.test${sneaky}`)).status).toBe(403);
			const caddy = await carol.get('/auth/verify', {
				headers: {
					'x-forwarded-proto': 'https',
					'x-forwarded-host': 'tools.test',
					'x-forwarded-uri': sneaky
				}
			});
			expect(caddy.status).toBe(403);
		}
	});

	it('refuses a host no app claims, signed in or not', async () => {
		expect((await askAsNginx(bob, 'https://unknown.test/')).status).toBe(403);
		expect((await askAsNginx(new Client(server().origin), 'https://unknown.test/')).status).toBe(
			403
		);
		// the port is part of the host: grafana.test:8443 is not grafana.test
		expect((await askAsNginx(bob, 'https://grafana.test:8443/')).status).toBe(403);
	});

	it('sends visitors to login: 401 for nginx, 302 for a browser page load otherwise', async () => {
		const visitor = new Client(server().origin);
		const nginx = await askAsNginx(visitor, 'https://grafana.test/d/1?a=1&b=2');
		expect(nginx.status).toBe(401);
		expect(nginx.headers.get('location')).toBe(
			`${server().origin}/login?redirectTo=${encodeURIComponent('https://grafana.test/d/1?a=1&b=2')}`
		);
		const page = await askAsCaddy(visitor, 'https://grafana.test/d/1?tab=a&b=%20c');
		expect(page.status).toBe(302);
		const login = new URL(page.headers.get('location') ?? '');
		expect(login.origin + login.pathname).toBe(`${server().origin}/login`);
		expect(login.searchParams.get('redirectTo')).toBe('https://grafana.test/d/1?tab=a&b=%20c');
		const fetchCall = await askAsCaddy(visitor, 'https://grafana.test/api', {
			headers: { accept: 'application/json' }
		});
		expect(fetchCall.status).toBe(401);
		const post = await askAsCaddy(visitor, 'https://grafana.test/form', { method: 'POST' });
		expect(post.status).toBe(401);
	});

	it('says 400 when no proxy header names the request, and knows no other method', async () => {
		expect((await bob.get('/auth/verify')).status).toBe(400);
		const post = await bob.post(
			'/auth/verify',
			{},
			{ headers: { 'x-original-url': 'https://grafana.test/' } }
		);
		expect(post.status).toBe(404);
		const bad = await bob.get('/auth/verify', { headers: { 'x-original-url': 'not a url' } });
		expect(bad.status).toBe(400);
	});

	it('writes nothing per request', async () => {
		const before = await everythingWritten(server());
		for (let i = 0; i < 30; i++) {
			await askAsNginx(bob, `https://grafana.test/asset/${i}.js`);
			await askAsNginx(new Client(server().origin), 'https://grafana.test/');
		}
		expect(await everythingWritten(server())).toEqual(before);
	});

	it('notes a refusal in the audit trail once, however often it is repeated', async () => {
		const { client, username } = await signedInUser(server());
		for (let i = 0; i < 20; i++) await askAsNginx(client, 'https://grafana.test/');
		await askAsNginx(client, 'https://elsewhere.test/');
		// made-up hosts share one note per person
		for (let i = 0; i < 5; i++) await askAsNginx(client, `https://made-up-${i}.test/`);
		const denials = (await auditText(server()))
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as { actor: string; action: string; target: string })
			.filter((entry) => entry.action === 'access.denied' && entry.actor === username);
		expect(denials.map((entry) => entry.target)).toEqual(['Grafana', 'elsewhere.test']);
	});
});

describe('apps and groups', () => {
	it('records every change in the audit trail and shows it on /admin', async () => {
		const trail = await auditText(server());
		for (const action of ['groups.create', 'groups.add-member', 'apps.create']) {
			expect(trail).toContain(`"action":"${action}"`);
		}
		const html = await (await admin.get('/admin')).text();
		expect(html).toContain('theadmin added the app Grafana');
		expect(html).toContain('theadmin added bob to the group ops');
	});

	it('takes a person out of a group at once', async () => {
		const { client, username } = await signedInUser(server());
		const id = (await storedUser(server(), username))?.id ?? '';
		const design = await addGroup(admin, 'temp-design');
		await addApp(admin, { name: 'Figma', host: 'figma.test', access: 'groups', groups: [design] });
		await putInGroups(admin, id, [design]);
		expect((await askAsNginx(client, 'https://figma.test/')).status).toBe(200);
		await putInGroups(admin, id, []);
		expect((await askAsNginx(client, 'https://figma.test/')).status).toBe(403);
		expect(await auditText(server())).toContain('"action":"groups.remove-member"');
		await putInGroups(admin, id, [design]);
		const unconfirmed = await admin.post('/admin/apps?/deleteGroup', { id: design });
		expect(unconfirmed.status).toBe(400);
		const deleted = await admin.post('/admin/apps?/deleteGroup', { id: design, confirm: 'yes' });
		expect(deleted.status).toBe(303);
		expect((await askAsNginx(client, 'https://figma.test/')).status).toBe(403);
		expect(await auditText(server())).toContain('"action":"groups.delete"');
	});

	it('refuses a second app on the same host and path, and a reserved group name', async () => {
		const clash = await admin.post(
			'/admin/apps?/createApp',
			appForm({ name: 'Other', host: 'grafana.test', access: 'signed-in' })
		);
		expect(clash.status).toBe(400);
		expect(await clash.text()).toContain('Another app already claims this host and path.');
		const reserved = await admin.post('/admin/apps?/createGroup', { name: 'Admins' });
		expect(reserved.status).toBe(400);
		const empty = await admin.post(
			'/admin/apps?/createApp',
			appForm({ name: 'Nobody', host: 'nobody.test', access: 'groups' })
		);
		expect(await empty.text()).toContain('Choose at least one group.');
	});

	it('keeps /admin/apps to admins', async () => {
		expect((await bob.get('/admin/apps')).status).toBe(403);
		const post = await bob.post('/admin/apps?/createGroup', { name: 'sneaky' });
		expect(post.status).toBe(403);
		expect((await new Client(server().origin).get('/admin/apps')).status).toBe(303);
	});

	it('edits and removes an app, which then lets nobody in', async () => {
		await addApp(admin, { name: 'Temp', host: 'temp.test', access: 'signed-in' });
		const html = await (await admin.get('/admin/apps')).text();
		const id = /href="\/admin\/apps\/([0-9a-f-]{36})">Temp</.exec(html)?.[1];
		expect(id).toBeDefined();
		const edit = await admin.post(
			`/admin/apps/${id}?/updateApp`,
			appForm({ name: 'Temp', host: 'temp.test', access: 'admins' })
		);
		expect(edit.status).toBe(303);
		expect((await askAsNginx(carol, 'https://temp.test/')).status).toBe(403);
		expect((await askAsNginx(admin, 'https://temp.test/')).status).toBe(200);
		expect((await admin.post(`/admin/apps/${id}?/deleteApp`, {})).status).toBe(400);
		expect((await askAsNginx(admin, 'https://temp.test/')).status).toBe(200);
		const removed = await admin.post(`/admin/apps/${id}?/deleteApp`, { confirm: 'yes' });
		expect(removed.status).toBe(303);
		expect((await askAsNginx(admin, 'https://temp.test/')).status).toBe(403);
		const trail = await auditText(server());
		expect(trail).toContain('"action":"apps.update"');
		expect(trail).toContain('"action":"apps.delete"');
	});
});

describe('the portal', () => {
	it('shows each person the apps they may open', async () => {
		const bobHome = await (await bob.get('/home')).text();
		expect(bobHome).toContain('href="http://grafana.test/"');
		expect(bobHome).toContain('>Wiki<');
		expect(bobHome).not.toContain('Admin tool');
		const carolHome = await (await carol.get('/home')).text();
		expect(carolHome).toContain('>Wiki<');
		expect(carolHome).not.toContain('Grafana');
		expect(carolName).toBe('carol');
	});
});

describe('signing in for an app', () => {
	it('returns to the app after signing in, and nowhere else', async () => {
		const back = async (target: string) => {
			const response = await logIn(
				new Client(server().origin),
				'carol',
				PASSWORD,
				{},
				`/login?redirectTo=${encodeURIComponent(target)}`
			);
			return response.headers.get('location');
		};
		expect(await back('https://tools.test/wiki/Page?x=1')).toBe('https://tools.test/wiki/Page?x=1');
		expect(await back('http://grafana.test/')).toBe('http://grafana.test/');
		for (const evil of [
			'https://evil.test/',
			'https://grafana.test.evil.test/',
			'https://grafana.test@evil.test/',
			'https://evil.test/?x=grafana.test',
			'evil.test/?x=grafana.test',
			'javascript:alert(1)//grafana.test'
		]) {
			expect(await back(evil)).toBe('/home');
		}
	});

	it("lets the login page's form lead to the apps, and only to them", async () => {
		const csp = (await new Client(server().origin).get('/login')).headers.get(
			'content-security-policy'
		);
		expect(csp).toMatch(/form-action 'self' [^;]*https:\/\/grafana\.test/);
		expect(csp).toContain('https://tools.test');
		expect(csp).not.toContain('evil');
		const home = (await bob.get('/home')).headers.get('content-security-policy');
		expect(home).toContain("form-action 'self';");
	});
});

describe('settings', () => {
	const start = useOwnServers();

	it('FORWARD_AUTH_DEFAULT=signed-in lets everyone signed in reach unclaimed hosts', async () => {
		const open = await start({ env: { FORWARD_AUTH_DEFAULT: 'signed-in' } });
		await signUpAdmin(open);
		const { client } = await signedInUser(open);
		expect((await askAsNginx(client, 'https://anything.test/')).status).toBe(200);
		expect((await askAsNginx(new Client(open.origin), 'https://anything.test/')).status).toBe(401);
	});

	it('verify counts as activity: a session used only through apps does not time out', async () => {
		const short = await start({
			env: { FORWARD_AUTH_DEFAULT: 'signed-in', SESSION_IDLE_SECONDS: '3' }
		});
		await signUpAdmin(short);
		const { client } = await signedInUser(short);
		for (let second = 0; second < 6; second++) {
			expect((await askAsNginx(client, 'https://app.test/')).status).toBe(200);
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
		expect((await client.get('/home')).status).toBe(200);
	});

	it('COOKIE_DOMAIN shares the session cookie with the domain and its apps', async () => {
		const ORIGIN = 'http://auth.example.test';
		const shared = await start({ env: { COOKIE_DOMAIN: 'example.test', ORIGIN } });
		// The server sees itself at ORIGIN; a browser there sends that as the form's Origin.
		const asBrowser = { headers: { origin: ORIGIN } };
		const client = new Client(shared.origin);
		const response = await client.post(
			'/signup?redirectTo=https%3A%2F%2Fgrafana.example.test%2Fd',
			{ username: 'dora', password: PASSWORD, confirmPassword: PASSWORD },
			asBrowser
		);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('https://grafana.example.test/d');
		const cookie = response.headers.getSetCookie().find((line) => line.startsWith('session='));
		expect(cookie).toMatch(/; Domain=example\.test/i);
		const login = (target: string) =>
			new Client(shared.origin).post(
				`/login?redirectTo=${encodeURIComponent(target)}`,
				{ username: 'dora', password: PASSWORD },
				asBrowser
			);
		for (const evil of [
			'https://example.test.evil.test/',
			'https://evil.test/?x=example.test',
			'https://example.test@evil.test/',
			'https://notexample.test/'
		]) {
			expect((await login(evil)).headers.get('location')).toBe('/home');
		}
		expect((await login('https://example.test/x')).headers.get('location')).toBe(
			'https://example.test/x'
		);
	});

	it('over https with COOKIE_DOMAIN the cookie is __Secure-session, Secure, with the Domain', async () => {
		const secure = await start({
			env: { COOKIE_DOMAIN: 'example.test', ORIGIN: 'https://auth.example.test' }
		});
		const client = new Client(secure.origin);
		const response = await client.post(
			'/signup',
			{ username: 'erin', password: PASSWORD, confirmPassword: PASSWORD },
			{ headers: { origin: 'https://auth.example.test' } }
		);
		expect(response.status).toBe(303);
		const cookie = response.headers.getSetCookie().find((line) => line.includes('session='));
		expect(cookie).toMatch(/^__Secure-session=[^;]+;/);
		expect(cookie).toMatch(/; Domain=example\.test/i);
		expect(cookie).toMatch(/; Secure/i);
		expect(response.headers.getSetCookie().join('\n')).not.toContain('__Host-session');
	});
});
