import { Secret, TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, watchProblems, signUpInBrowser } from './browser';

/*
 * The authenticator app and recovery codes as a person uses them in Chromium, with JavaScript on
 * and off: set up from the key the page shows (codes from otpauth, not the app's own code), log
 * out, log in with password + code, then with a recovery code.
 */

const PASSWORD = 'amber kettle orbit';

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
	browser = await launchBrowser();
	server = await startServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
});

afterAll(async () => {
	await browser.close();
	await server.stop();
	await removeDir(server.dataDir);
});

function codeFor(key: string, offsetSteps = 0): string {
	const totp = new TOTP({ secret: Secret.fromBase32(key.replace(/ /g, '')) });
	return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

async function logInWithPassword(page: Page, username: string): Promise<void> {
	await page.goto('/login?redirectTo=%2Fprofile');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.waitForURL('**/login/two-step**');
}

describe.each([
	['with JavaScript', true],
	['without JavaScript', false]
])('an authenticator app and recovery codes %s', (_, javaScriptEnabled) => {
	it('are set up on the account page and sign the person in', async () => {
		const context = await newContext(browser, server.origin, { javaScriptEnabled });
		const page = await context.newPage();
		const problems = watchProblems(page);
		const username = `app${javaScriptEnabled ? 'js' : 'nojs'}${Date.now() % 100_000}`;

		await signUpInBrowser(page, username, PASSWORD);

		await page.goto('/account');
		await page.getByRole('link', { name: 'Set up an authenticator app' }).click();
		await page.waitForURL('**/account/two-step/authenticator');
		const qr = page.getByRole('img', { name: /QR code/ });
		await qr.waitFor();
		expect((await qr.boundingBox())?.width).toBeGreaterThan(150);
		const key = (await page.getByLabel('Setup key').textContent()) ?? '';
		expect(key).toMatch(/^[A-Z2-7 ]{32,}$/);

		// A wrong code first: refused, the field empty and focused again.
		await page.getByLabel('6-digit code').fill(codeFor(key, 7));
		await page.getByRole('button', { name: 'Switch on' }).click();
		await page.getByText('That code is not right').waitFor();
		await page.getByLabel('6-digit code').fill(codeFor(key));
		await page.getByRole('button', { name: 'Switch on' }).click();
		await page.waitForURL('**/account/two-step/recovery-codes');
		const codes = await page
			.getByRole('list', { name: 'Recovery codes' })
			.locator('code')
			.allTextContents();
		expect(codes).toHaveLength(10);
		const download = page.getByRole('link', { name: 'Download as .txt' });
		expect(await download.getAttribute('download')).toBe('gatehouse-recovery-codes.txt');
		expect(decodeURIComponent((await download.getAttribute('href')) ?? '')).toContain(codes[0]);
		await page.screenshot({
			path: `tests/screenshots/two-step-codes-${javaScriptEnabled ? 'js' : 'nojs'}.png`
		});
		await page.getByRole('link', { name: 'I have saved them' }).click();
		await page.waitForURL('**/account#two-step');
		await page.getByText('10 of 10').waitFor();

		await page.goto('/logout');
		await page.getByRole('main').getByRole('button', { name: 'Log out' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/logout'));

		// Password, then the code from the app; lands where it was going.
		await logInWithPassword(page, username);
		await page.goto('/home');
		await page.waitForURL('**/login**');
		await logInWithPassword(page, username);
		await page.getByLabel('6-digit code').fill(codeFor(key, 1));
		await page.getByRole('button', { name: 'Continue' }).click();
		await page.waitForURL('**/profile');

		await page.goto('/logout');
		await page.getByRole('main').getByRole('button', { name: 'Log out' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/logout'));

		// A recovery code instead, once.
		await logInWithPassword(page, username);
		await page.getByText('Use a recovery code').click();
		await page.getByLabel('Recovery code').fill(codes[0] ?? '');
		await page.getByRole('button', { name: 'Use recovery code' }).click();
		await page.waitForURL('**/profile');
		await page.goto('/account');
		await page.getByText('9 of 10').waitFor();

		// Without JavaScript the refused code is a page answered with 400, which Chromium logs.
		expect(problems.filter((problem) => !problem.includes('status of 400'))).toEqual([]);
		await context.close();
	});
});
