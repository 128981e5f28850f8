import { expect } from 'vitest';
import { HostClient } from './host-client';
import { APP_HOST, AUTH_HOST, startEchoApp, type Ports, type RunningProxy } from './proxies';
import { PASSWORD } from './security';
import { freePort, startServer, type RunningServer } from './server';
import { storedUser } from './stored';
import { makeTempDir, removeDir } from './temp-dir';

/*
 * Gatehouse behind a real proxy, set up as an operator would: at auth.example.test with
 * COOKIE_DOMAIN=example.test, an echo app at app.example.test for the group "ops" (bob is in it,
 * carol is not), and /docs on the same host for everyone signed in.
 */

export interface ProtectedApp {
	port: number;
	gatehouse: RunningServer;
	/** `http://<host>:<proxy port><path>` */
	at(host: string, pathAndQuery?: string): string;
	stop(): Promise<void>;
}

export async function startProtectedApp(
	startProxy: (dir: string, ports: Ports) => Promise<RunningProxy>
): Promise<ProtectedApp> {
	const dir = await makeTempDir('gatehouse-proxy-');
	const port = await freePort();
	const at = (host: string, pathAndQuery = '/') => `http://${host}:${port}${pathAndQuery}`;
	const echo = await startEchoApp();
	const gatehouse = await startServer({
		env: { ORIGIN: at(AUTH_HOST, ''), COOKIE_DOMAIN: 'example.test' }
	});
	const proxy = await startProxy(dir, {
		proxy: port,
		gatehouse: Number(new URL(gatehouse.origin).port),
		app: echo.port
	});
	const stop = async () => {
		await proxy.stop();
		await gatehouse.kill();
		await echo.close();
		await removeDir(dir);
		await removeDir(gatehouse.dataDir);
	};

	const signUp = async (username: string) => {
		const browser = new HostClient(port);
		const response = await browser.submit(at(AUTH_HOST, '/signup'), {
			username,
			password: PASSWORD,
			confirmPassword: PASSWORD
		});
		expect(response.status).toBe(303);
		return browser;
	};
	const admin = await signUp('theadmin');
	await signUp('bob');
	await signUp('carol');
	const post = async (path: string, body: string) => {
		const response = await admin.request(at(AUTH_HOST, path), {
			method: 'POST',
			headers: { origin: at(AUTH_HOST, ''), 'content-type': 'application/x-www-form-urlencoded' },
			body
		});
		expect(response.status).toBe(303);
	};
	await post('/admin/apps?/createGroup', 'name=ops');
	const page = (await admin.request(at(AUTH_HOST, '/admin/apps'))).body;
	const ops = /<label for="group-([0-9a-f-]{36})">ops<\/label>/.exec(page)?.[1] ?? '';
	const bobId = (await storedUser(gatehouse, 'bob'))?.id ?? '';
	await post(`/admin/users/${bobId}?/setGroups`, `groups=${ops}`);
	const app = `${APP_HOST}:${port}`;
	for (const fields of [
		{ name: 'App', host: app, pathPrefix: '', access: 'groups', groups: ops },
		{ name: 'Docs', host: app, pathPrefix: '/docs', access: 'signed-in', groups: '' }
	]) {
		await post('/admin/apps?/createApp', new URLSearchParams({ url: '', ...fields }).toString());
	}
	return { port, gatehouse, at, stop };
}
