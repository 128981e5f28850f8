import { describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import type { RunningServer } from '../helpers/server';
import {
	EVIL_ORIGIN,
	isSignedIn,
	NEW_PASSWORD,
	PASSWORD,
	signedInUser,
	signUpAdmin,
	uniqueName,
	useSharedServer
} from '../helpers/security';
import { storedFingerprint, storedUser, storedUsers } from '../helpers/stored';

const server = useSharedServer();

const ADMIN_NAME = 'theadmin';
const ADMIN_FULL_NAME = 'Ada Secretadmin';
let admin: Client;
let adminId = '';

/** Everything a request could change. */
const dataFiles = (target: RunningServer = server()) =>
	storedFingerprint(target, ['users', 'sessions', 'audit']);

async function ensureAdmin(): Promise<void> {
	if (adminId !== '') return;
	admin = await signUpAdmin(server(), ADMIN_NAME);
	await admin.post('/profile/edit?/save', { fullName: ADMIN_FULL_NAME, bio: '', age: '' });
	adminId = (await storedUser(server(), ADMIN_NAME))?.id ?? '';
	expect(adminId).not.toBe('');
}

describe('cross-origin form posts', () => {
	const fromEvil = { headers: { origin: EVIL_ORIGIN } };

	it('refuses a login from another origin and starts no session', async () => {
		await ensureAdmin();
		const { username } = await signedInUser(server());
		const client = new Client(server().origin);
		const response = await client.post('/login', { username, password: PASSWORD }, fromEvil);
		expect(response.status).toBe(403);
		expect(response.headers.getSetCookie()).toEqual([]);
		expect(client.cookies.size).toBe(0);
	});

	it('refuses a signup from another origin and creates no account', async () => {
		const username = uniqueName('csrf');
		const before = await dataFiles();
		const response = await new Client(server().origin).post(
			'/signup',
			{ username, password: PASSWORD, confirmPassword: PASSWORD },
			fromEvil
		);
		expect(response.status).toBe(403);
		expect(await storedUser(server(), username)).toBeUndefined();
		expect(await dataFiles()).toEqual(before);
	});

	it('refuses a logout from another origin and keeps the session', async () => {
		await ensureAdmin();
		const { client } = await signedInUser(server());
		const response = await client.post('/logout', {}, fromEvil);
		expect(response.status).toBe(403);
		expect(response.headers.getSetCookie()).toEqual([]);
		expect(await isSignedIn(client)).toBe(true);
	});

	it('refuses a password change from another origin and keeps the password', async () => {
		await ensureAdmin();
		const { client, username } = await signedInUser(server());
		const hashBefore = (await storedUser(server(), username))?.passwordHash;
		const response = await client.post(
			'/account?/changePassword',
			{ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
			fromEvil
		);
		expect(response.status).toBe(403);
		expect((await storedUser(server(), username))?.passwordHash).toBe(hashBefore);
		expect(await isSignedIn(client)).toBe(true);
		expect((await logIn(new Client(server().origin), username, PASSWORD)).status).toBe(303);
	});

	it.each([
		['no Origin header', undefined],
		['Origin: null', 'null']
	])('refuses a logout with %s', async (_, origin) => {
		await ensureAdmin();
		const { client } = await signedInUser(server());
		const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
		if (origin !== undefined) headers.set('origin', origin);
		const response = await client.request('/logout', { method: 'POST', headers, body: '' });
		expect(response.status).toBe(403);
		expect(await isSignedIn(client)).toBe(true);
	});
});

describe('redirect after login', () => {
	it.each([
		'//evil.example',
		'/\\evil.example',
		'https://evil.example',
		'%2F%2Fevil.example',
		'/%2F/evil.example',
		'javascript:alert(1)',
		'/\t/evil.example',
		'http:evil.example',
		'data:text/html,x',
		'/%5C/evil.example',
		'\\/evil.example',
		'/..//evil.example',
		' //evil.example',
		'//evil.example/%2e%2e'
	])('stays on this site for redirectTo=%j', async (target) => {
		await ensureAdmin();
		const { username } = await signedInUser(server());
		const login = await new Client(server().origin).post(
			`/login?redirectTo=${encodeURIComponent(target)}`,
			{ username, password: PASSWORD }
		);
		expect(login.status).toBe(303);
		const location = login.headers.get('location') ?? '';
		expect(location.startsWith('/')).toBe(true);
		expect(location.startsWith('//')).toBe(false);
		expect(location).not.toMatch(/^\/[\\/\t]/);
		expect(new URL(location, server().origin).origin).toBe(server().origin);
	});

	it('stays on this site after signup too', async () => {
		const signup = await new Client(server().origin).post(
			`/signup?redirectTo=${encodeURIComponent('//evil.example')}`,
			{ username: uniqueName(), password: PASSWORD, confirmPassword: PASSWORD }
		);
		expect(signup.status).toBe(303);
		expect(signup.headers.get('location')).toBe('/home');
	});
});

describe('__data.json', () => {
	it.each(['/home', '/profile', '/account', '/profile/edit'])(
		'of %s gives a visitor only a redirect to login',
		async (path) => {
			await ensureAdmin();
			const response = await new Client(server().origin).get(`${path}/__data.json`);
			const text = await response.text();
			const data = JSON.parse(text) as { type: string; location?: string; nodes?: unknown };
			expect(data.type).toBe('redirect');
			expect(data.location).toMatch(/^\/login\?/);
			expect(data.nodes).toBeUndefined();
			for (const secret of [ADMIN_NAME, ADMIN_FULL_NAME, 'passwordHash', 'argon2', 'role']) {
				expect(text).not.toContain(secret);
			}
		}
	);

	it.each(['/admin', '/admin/users/<admin-id>'])(
		"of %s gives a regular user no one else's data",
		async (path) => {
			await ensureAdmin();
			const { client, username } = await signedInUser(server());
			const response = await client.get(`${path.replace('<admin-id>', adminId)}/__data.json`);
			const text = await response.text();
			const data = JSON.parse(text) as { nodes?: { type: string; status?: number }[] };
			expect(data.nodes?.some((node) => node.type === 'error' && node.status === 403)).toBe(true);
			expect(text).toContain(username);
			for (const secret of [
				ADMIN_NAME,
				ADMIN_FULL_NAME,
				adminId,
				'passwordHash',
				'argon2',
				'"admin"',
				'audit'
			]) {
				expect(text).not.toContain(secret);
			}
		}
	);

	it('of /account/export is not there for a visitor', async () => {
		const response = await new Client(server().origin).get('/account/export');
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/login\?/);
		expect(await response.text()).not.toContain('"profile"');
	});
});

describe('form actions without the right person', () => {
	const visitorActions: [string, Record<string, string>][] = [
		['/profile/edit?/save', { fullName: 'Visitor', bio: 'x', age: '20' }],
		[
			'/account?/changePassword',
			{ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }
		],
		['/account?/endSession', { sessionId: 'x' }],
		['/account?/endOtherSessions', {}],
		['/account?/deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' }],
		['/admin?/createUser', { username: 'planted', role: 'admin' }],
		['/admin/users/<admin-id>?/setRole', { role: 'user' }],
		['/admin/users/<admin-id>?/endSessions', {}],
		['/admin/users/<admin-id>?/createResetLink', {}],
		['/admin/users/<admin-id>?/deleteUser', { confirm: ADMIN_NAME }]
	];

	it.each(visitorActions)('%s sends a visitor to login and changes nothing', async (path, form) => {
		await ensureAdmin();
		const before = await dataFiles();
		const response = await new Client(server().origin).post(
			path.replace('<admin-id>', adminId),
			form
		);
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
		expect(await response.text()).not.toContain('reset-password');
		expect(await dataFiles()).toEqual(before);
		expect(await isSignedIn(admin)).toBe(true);
	});

	it.each(visitorActions.filter(([path]) => path.startsWith('/admin')))(
		'%s refuses a regular user with 403 and changes nothing',
		async (path, form) => {
			await ensureAdmin();
			const { client } = await signedInUser(server());
			const before = await dataFiles();
			const response = await client.post(path.replace('<admin-id>', adminId), form);
			expect(response.status).toBe(403);
			expect(await response.text()).not.toContain('reset-password');
			expect(await dataFiles()).toEqual(before);
			const stored = await storedUser(server(), ADMIN_NAME);
			expect(stored?.role).toBe('admin');
			expect(stored?.passwordReset).toBeNull();
			expect((await storedUsers(server())).some((user) => user.username === 'planted')).toBe(false);
		}
	);

	it('takes admin access away on the very next request after a demotion', async () => {
		await ensureAdmin();
		const { client, username } = await signedInUser(server());
		const id = (await storedUser(server(), username))?.id ?? '';
		const setRole = (role: string) =>
			admin.post(`/admin/users/${id}?/setRole`, { role, confirm: 'yes' });
		expect((await setRole('admin')).status).toBe(303);
		expect((await client.get('/admin')).status).toBe(200);

		expect((await setRole('user')).status).toBe(303);
		const response = await client.get('/admin');
		expect(response.status).toBe(403);
		expect(await response.text()).not.toContain(ADMIN_FULL_NAME);
		const create = await client.post('/admin?/createUser', { username: 'planted', role: 'admin' });
		expect(create.status).toBe(403);
		expect(await storedUser(server(), 'planted')).toBeUndefined();
	});

	it("cannot end another person's session by posting its id", async () => {
		await ensureAdmin();
		const victim = await signedInUser(server());
		const victimPhone = new Client(server().origin);
		await logIn(victimPhone, victim.username, PASSWORD);
		const page = await (await victim.client.get('/account')).text();
		const phoneId = /name="sessionId" value="([0-9a-f]+)"/.exec(page)?.[1];
		expect(phoneId).toMatch(/^[0-9a-f]{24}$/);

		const { client: attacker } = await signedInUser(server());
		const response = await attacker.post('/account?/endSession', { sessionId: phoneId ?? '' });
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('not one of yours');
		expect(await isSignedIn(victimPhone)).toBe(true);
	});

	it.each(['THEADMIN', '\uff54\uff48\uff45\uff41\uff44\uff4d\uff49\uff4e', ' theadmin '])(
		'refuses a second account under the look-alike name %j',
		async (name) => {
			await ensureAdmin();
			const response = await signUp(new Client(server().origin), name, PASSWORD);
			expect(response.status).toBe(400);
			expect(await response.text()).toContain('That username is already taken.');
			expect(response.headers.getSetCookie()).toEqual([]);
			const named = (await storedUsers(server())).filter((user) => user.username === ADMIN_NAME);
			expect(named).toHaveLength(1);
		}
	);
});
