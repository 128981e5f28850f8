import { describe, expect, it } from 'vitest';
import { addApp, askAsCaddy, askAsNginx } from '../helpers/apps';
import { Client, logIn, signUp } from '../helpers/client';
import { useOwnServers } from '../helpers/security';
import {
	codeFor,
	passwordStep,
	personWithApp,
	TWO_STEP_PASSWORD as PASSWORD
} from '../helpers/two-step';

/* Forward authentication and two-step sign-in: the door asks what the pages ask. */

const start = useOwnServers();

describe('/auth/verify with two-step sign-in', () => {
	it('opens an app "after a second factor" only to sessions that passed one', async () => {
		const server = await start({ env: { SIGNUP_MAX_PER_IP: '1000' } });
		const admin = new Client(server.origin);
		await signUp(admin, 'boss', PASSWORD);
		await addApp(admin, { name: 'Vault', host: 'vault.test', access: 'two-step' });

		// A password alone, no factor: signed in, but not through this door.
		const plain = new Client(server.origin);
		await signUp(plain, 'plain', PASSWORD);
		expect((await askAsNginx(plain, 'https://vault.test/')).status).toBe(403);

		// Password and code: through, and the tile is on the portal.
		const { username, key } = await personWithApp(server.origin);
		const device = await passwordStep(server.origin, username);
		expect((await device.post('/login/two-step', { code: codeFor(key, 1) })).status).toBe(303);
		const allowed = await askAsNginx(device, 'https://vault.test/');
		expect(allowed.status).toBe(200);
		expect(allowed.headers.get('remote-user')).toBe(username);
		expect(await (await device.get('/home')).text()).toContain('Vault');
		expect(await (await plain.get('/home')).text()).not.toContain('Vault');
	});

	it('sends a session REQUIRE_TWO_STEP holds back to the setup page, not into apps', async () => {
		const server = await start({
			env: { SIGNUP_MAX_PER_IP: '1000', REQUIRE_TWO_STEP: 'everyone' }
		});
		const admin = await personWithApp(server.origin);
		await addApp(admin.client, { name: 'Wiki', host: 'wiki.test', access: 'signed-in' });
		const newcomer = new Client(server.origin);
		await signUp(newcomer, 'newcomer', PASSWORD);
		const nginx = await askAsNginx(newcomer, 'https://wiki.test/page');
		expect(nginx.status).toBe(401);
		expect(nginx.headers.get('location')).toBe(`${server.origin}/account/two-step`);
		const caddy = await askAsCaddy(newcomer, 'https://wiki.test/page');
		expect(caddy.status).toBe(302);
		expect(caddy.headers.get('location')).toBe(`${server.origin}/account/two-step`);
		expect(caddy.headers.get('remote-user')).toBeNull();
		// The admin's session passed its second step when the app was set up: through.
		expect((await askAsNginx(admin.client, 'https://wiki.test/page')).status).toBe(200);
		const again = new Client(server.origin);
		expect((await logIn(again, 'newcomer', PASSWORD)).status).toBe(303);
		expect((await askAsNginx(again, 'https://wiki.test/page')).status).toBe(401);
	});

	it('sends a second step back to the app it began at', async () => {
		const server = await start({ env: { SIGNUP_MAX_PER_IP: '1000' } });
		const admin = new Client(server.origin);
		await signUp(admin, 'boss', PASSWORD);
		await addApp(admin, { name: 'Wiki', host: 'wiki.test', access: 'signed-in' });
		const { username, key, codes } = await personWithApp(server.origin);
		const target = encodeURIComponent('https://wiki.test/page?x=1');
		const device = await passwordStep(server.origin, username, `/login?redirectTo=${target}`);
		const page = await device.get(`/login/two-step?redirectTo=${target}`);
		// Without JavaScript the redirect after the form must not be blocked by form-action.
		expect(page.headers.get('content-security-policy')).toMatch(
			/form-action 'self'[^;]*https:\/\/wiki\.test/
		);
		const done = await device.post(`/login/two-step?redirectTo=${target}`, {
			code: codeFor(key, 1)
		});
		expect(done.headers.get('location')).toBe('https://wiki.test/page?x=1');
		const evil = await passwordStep(
			server.origin,
			username,
			`/login?redirectTo=${encodeURIComponent('https://wiki.test.evil.example/')}`
		);
		const refused = await evil.post(
			`/login/two-step?redirectTo=${encodeURIComponent('https://wiki.test.evil.example/')}`,
			{ recoveryCode: codes[0] ?? '' }
		);
		expect(refused.headers.get('location')).toBe('/home');
	});
});
