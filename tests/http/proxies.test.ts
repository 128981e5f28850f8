import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostClient, type HostResponse } from '../helpers/host-client';
import { startProtectedApp, type ProtectedApp } from '../helpers/protected-app';
import { APP_HOST, AUTH_HOST, startCaddy, startNginx, UNCLAIMED_HOST } from '../helpers/proxies';
import { PASSWORD } from '../helpers/security';

/*
 * Gatehouse behind real nginx and Caddy, with the README's configurations (docs/proxies/), in
 * front of an app that echoes the headers it receives. Traefik is not in Debian: its
 * configuration is in the README but not run here.
 */

const README = path.resolve(import.meta.dirname, '../../README.md');

it('the README shows the proxy configurations these tests run, word for word', async () => {
	const readme = await fs.readFile(README, 'utf8');
	for (const file of ['nginx.conf', 'Caddyfile', 'traefik.yml']) {
		const text = await fs.readFile(path.resolve(README, '../docs/proxies', file), 'utf8');
		expect(readme, file).toContain(text.trim());
	}
});

interface Echo {
	method: string;
	url: string;
	headers: Record<string, string | undefined>;
}

const echoOf = (response: HostResponse): Echo => {
	expect(response.headers['content-type']).toBe('application/json');
	return JSON.parse(response.body) as Echo;
};

describe.each([
	['nginx', startNginx],
	['Caddy', startCaddy]
])('behind %s', (_, startProxy) => {
	let setup: ProtectedApp;
	let port: number;
	const at = (host: string, pathAndQuery = '/') => setup.at(host, pathAndQuery);

	async function signedIn(username: string): Promise<HostClient> {
		const browser = new HostClient(port);
		const response = await browser.submit(at(AUTH_HOST, '/login'), {
			username,
			password: PASSWORD
		});
		expect(response.status).toBe(303);
		return browser;
	}

	beforeAll(async () => {
		setup = await startProtectedApp(startProxy);
		port = setup.port;
	});

	afterAll(async () => {
		await setup?.stop();
	});

	it('sends a visitor to log in, then back to the app, which learns who it is', async () => {
		const browser = new HostClient(port);
		const wanted = at(APP_HOST, '/dashboards/1?from=now-1h&to=now');
		const login = await browser.follow(wanted);
		expect(login.status).toBe(200);
		const loginUrl = new URL(login.url);
		expect(loginUrl.origin + loginUrl.pathname).toBe(at(AUTH_HOST, '/login'));
		expect(loginUrl.searchParams.get('redirectTo')).toBe(wanted);
		expect(login.body).toContain('Log in');

		const signIn = await browser.submit(login.url, { username: 'bob', password: PASSWORD });
		expect(signIn.status).toBe(303);
		expect(signIn.headers.location).toBe(wanted);
		const received = echoOf(await browser.follow(wanted));
		expect(received.url).toBe('/dashboards/1?from=now-1h&to=now');
		expect(received.headers['remote-user']).toBe('bob');
		expect(received.headers['remote-groups']).toBe('ops');
	});

	it('never lets a client-sent Remote-* header reach the app', async () => {
		const forged = {
			'remote-user': 'theadmin',
			'remote-groups': 'admins',
			'remote-name': 'The Admin'
		};
		const bob = await signedIn('bob');
		const received = echoOf(await bob.request(at(APP_HOST, '/'), { headers: forged }));
		expect(received.headers['remote-user']).toBe('bob');
		expect(received.headers['remote-groups']).toBe('ops');
		// nginx leaves out the empty header, Caddy sends it empty: either way not the forged one
		expect(received.headers['remote-name'] ?? '').toBe('');
		const visitor = await new HostClient(port).request(at(APP_HOST, '/'), { headers: forged });
		expect(visitor.status).toBe(302);
		expect(visitor.headers.location).toContain(at(AUTH_HOST, '/login?redirectTo='));
	});

	it("refuses someone outside the app's group, and applies the path rule", async () => {
		const carol = await signedIn('carol');
		const refused = await carol.request(at(APP_HOST, '/'));
		expect(refused.status).toBe(403);
		expect(refused.body).not.toContain('remote-user');
		const docs = echoOf(await carol.request(at(APP_HOST, '/docs/intro')));
		expect(docs.headers['remote-user']).toBe('carol');
		expect((await carol.request(at(APP_HOST, '/docsx'))).status).toBe(403);
	});

	it('refuses a host no app claims', async () => {
		const bob = await signedIn('bob');
		expect((await bob.request(at(UNCLAIMED_HOST, '/'))).status).toBe(403);
	});

	it('sends a person back to log in after they logged out', async () => {
		const bob = await signedIn('bob');
		expect(echoOf(await bob.request(at(APP_HOST, '/'))).headers['remote-user']).toBe('bob');
		const out = await bob.submit(at(AUTH_HOST, '/logout'), {});
		expect(out.status).toBe(303);
		const again = await bob.request(at(APP_HOST, '/'));
		expect(again.status).toBe(302);
		expect(again.headers.location).toContain(at(AUTH_HOST, '/login?redirectTo='));
	});
});
