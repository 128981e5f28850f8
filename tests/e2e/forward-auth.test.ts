import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProtectedApp, type ProtectedApp } from '../helpers/protected-app';
import { APP_HOST, AUTH_HOST, startNginx } from '../helpers/proxies';
import { PASSWORD } from '../helpers/security';
import { launchBrowser, watchProblems } from './browser';

/*
 * A person in Chromium, through real nginx with the README's configuration: an app behind
 * Gatehouse, signing in on the way, the portal, and logging out. With JavaScript and without
 * (then the login form's redirect to the app must pass the login page's form-action).
 */

let browser: Browser;
let setup: ProtectedApp;

beforeAll(async () => {
	setup = await startProtectedApp(startNginx);
	// The made-up names resolve to loopback, where nginx listens.
	browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
});

afterAll(async () => {
	await browser?.close();
	await setup?.stop();
});

/** What the echo app received, from the JSON it shows. */
async function received(page: Page): Promise<Record<string, string>> {
	const text = await page.locator('body').innerText();
	return (JSON.parse(text) as { headers: Record<string, string> }).headers;
}

async function logIn(page: Page, username: string): Promise<void> {
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByRole('button', { name: 'Log in' }).click();
}

describe.each([
	['with JavaScript', true],
	['without JavaScript', false]
])('an app behind nginx, %s', (_, javaScriptEnabled) => {
	it('asks a visitor to log in, returns them to the app, lists it on Home, and logs out', async () => {
		const context = await browser.newContext({ javaScriptEnabled });
		const page = await context.newPage();
		const problems = watchProblems(page);
		const wanted = setup.at(APP_HOST, '/dashboards/1?from=now-1h&to=now');

		await page.goto(wanted);
		await page.waitForURL((url) => url.host === `${AUTH_HOST}:${setup.port}`);
		expect(new URL(page.url()).searchParams.get('redirectTo')).toBe(wanted);
		await expect(page.getByRole('heading', { name: 'Log in' }).isVisible()).resolves.toBe(true);

		await logIn(page, 'bob');
		await page.waitForURL(wanted);
		const headers = await received(page);
		expect(headers['remote-user']).toBe('bob');
		expect(headers['remote-groups']).toBe('ops');

		await page.goto(setup.at(AUTH_HOST, '/home'));
		const tile = page.getByRole('link', { name: /^App/ });
		await expect(tile.getAttribute('href')).resolves.toBe(setup.at(APP_HOST, '/'));
		await tile.click();
		await page.waitForURL(setup.at(APP_HOST, '/'));
		expect((await received(page))['remote-user']).toBe('bob');

		await page.goto(setup.at(AUTH_HOST, '/home'));
		await page.getByRole('button', { name: 'Log out' }).click();
		await page.waitForURL(setup.at(AUTH_HOST, '/'));
		await page.goto(setup.at(APP_HOST, '/'));
		await page.waitForURL((url) => url.pathname === '/login');
		// Chromium ignores COOP on plain http at a name other than localhost, and says so: the
		// test's made-up hosts, not a problem. Anything else (a CSP refusal) is.
		expect(problems.filter((problem) => !problem.includes('Cross-Origin-Opener-Policy'))).toEqual(
			[]
		);
		await context.close();
	});

	it("shows nginx's 403 to someone outside the app's group", async () => {
		const context = await browser.newContext({ javaScriptEnabled });
		const page = await context.newPage();
		await page.goto(setup.at(AUTH_HOST, '/login'));
		await logIn(page, 'carol');
		await page.waitForURL((url) => url.pathname === '/home');
		const response = await page.goto(setup.at(APP_HOST, '/'));
		expect(response?.status()).toBe(403);
		const docs = await page.goto(setup.at(APP_HOST, '/docs/intro'));
		expect(docs?.status()).toBe(200);
		expect((await received(page))['remote-user']).toBe('carol');
		await context.close();
	});
});
