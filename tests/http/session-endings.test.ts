import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { storedUser } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';

/* A session someone ended lands on the login page with the reason, never just "expired". */

const PASSWORD = 'correct horse battery';
let server: RunningServer;
let admin: Client;
let counter = 0;

beforeAll(async () => {
	server = await startServer();
	admin = new Client(server.origin);
	await signUp(admin, 'owner', PASSWORD);
});

afterAll(async () => {
	await server.stop();
	await removeDir(server.dataDir);
});

/** Someone signed in on a laptop and a phone. */
async function twoDevices() {
	const username = `person${counter++}`;
	const laptop = new Client(server.origin);
	expect((await signUp(laptop, username, PASSWORD)).status).toBe(303);
	const phone = new Client(server.origin);
	expect((await logIn(phone, username, PASSWORD)).status).toBe(303);
	return { username, laptop, phone };
}

async function loginNotice(client: Client, path = '/profile') {
	const response = await client.get(path);
	expect(response.status).toBe(303);
	const location = response.headers.get('location') ?? '';
	const login = await client.get(location);
	const text = (await login.text()).replace(/<!--[\s\S]*?-->/g, '');
	return { location, notice: /<p class="notice">([^<]*)<\/p>/.exec(text)?.[1] ?? null };
}

describe('a session ended elsewhere', () => {
	it('after a password change says so on the login page', async () => {
		const { laptop, phone } = await twoDevices();
		const changed = await laptop.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: 'a brand new passphrase',
			confirmPassword: 'a brand new passphrase'
		});
		expect(changed.status).toBe(303);
		expect(await loginNotice(phone)).toEqual({
			location: '/login?redirectTo=%2Fprofile&reason=password-changed',
			notice: 'Your password was changed, please sign in with the new one.'
		});
	});

	it('after "sign out all other sessions" and "sign out" of one device', async () => {
		const everywhere = await twoDevices();
		await everywhere.laptop.post('/account?/endOtherSessions', {});
		expect((await loginNotice(everywhere.phone)).notice).toBe(
			'You were signed out everywhere, please sign in again.'
		);

		const one = await twoDevices();
		const page = await (await one.laptop.get('/account')).text();
		const [phoneId] = [...page.matchAll(/name="sessionId"[^>]*value="([^"]*)"/g)].map((m) => m[1]);
		await one.laptop.post('/account?/endSession', { sessionId: phoneId ?? '' });
		expect((await loginNotice(one.phone)).notice).toBe(
			'This session was signed out from another device, please sign in again.'
		);
	});

	it('after an admin ended all sessions, and after the account was deleted', async () => {
		const { username, laptop } = await twoDevices();
		const id = (await storedUser(server, username))?.id ?? '';
		await admin.post(`/admin/users/${id}?/endSessions`, {});
		expect((await loginNotice(laptop)).notice).toBe(
			'You were signed out everywhere, please sign in again.'
		);

		const gone = await twoDevices();
		await gone.laptop.post('/account?/deleteAccount', {
			currentPassword: PASSWORD,
			confirm: 'yes'
		});
		expect((await loginNotice(gone.phone)).notice).toBe('This account was deleted.');
	});

	it('returns a form post to its page, not to its ?/action URL', async () => {
		const { phone, laptop } = await twoDevices();
		await laptop.post('/account?/endOtherSessions', {});
		const response = await phone.post('/profile/edit?/save', {
			fullName: 'Typed',
			bio: '',
			age: ''
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe(
			'/login?redirectTo=%2Fprofile%2Fedit&reason=signed-out-everywhere'
		);
	});

	it('still says "expired" for a session that timed out or a made-up cookie', async () => {
		const stranger = new Client(server.origin);
		stranger.cookies.set('session', 'a'.repeat(32));
		expect((await loginNotice(stranger)).notice).toBe(
			'Your session expired, please sign in again.'
		);
	});
});
