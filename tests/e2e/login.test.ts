import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from '../helpers/client';
import { startServer, TEST_BUILD_DIR, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, seriousViolations, watchProblems } from './browser';

const PASSWORD = 'plum ferry lantern';
const INCORRECT = 'Incorrect username or password';
const CLIENT = path.resolve(import.meta.dirname, '../..', TEST_BUILD_DIR, 'client');

let browser: Browser;
let server: RunningServer;
let counter = 0;
const uniqueName = (base: string) => `${base}${counter++}x${Date.now() % 100_000}`;

beforeAll(async () => {
	browser = await launchBrowser();
	// Four failures per username, so the warning comes after the second.
	server = await startServer({ env: { LOGIN_MAX_FAILURES: '4' } });
	await signUp(new Client(server.origin), uniqueName('owner'), PASSWORD);
});

afterAll(async () => {
	await browser.close();
	await server.stop();
	await removeDir(server.dataDir);
});

const contexts: BrowserContext[] = [];
const problems: string[][] = [];

afterEach(async () => {
	await Promise.all(contexts.splice(0).map((context) => context.close()));
	// A refused form is a 400 (or 429) page, which Chromium notes in the console.
	const unexpected = problems.splice(0).flat();
	expect(unexpected.filter((problem) => !/status of (400|429)/.test(problem))).toEqual([]);
});

async function open(
	options: { javaScriptEnabled?: boolean; bypassCSP?: boolean } = {}
): Promise<Page> {
	const context = await newContext(browser, server.origin, options);
	contexts.push(context);
	const page = await context.newPage();
	problems.push(watchProblems(page));
	return page;
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? null);

async function failLogin(page: Page, username: string): Promise<string> {
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill('not the password');
	await Promise.all([
		page.waitForResponse((response) => response.request().method() === 'POST'),
		page.getByRole('button', { name: 'Log in' }).click()
	]);
	const message = page.locator('.form-message.error');
	await message.waitFor();
	// With JavaScript the page stays: wait for this answer, not the one shown before it.
	await page.waitForFunction(() => document.querySelector('form[aria-busy="false"]') !== null);
	return (await message.textContent()) ?? '';
}

/** Whether a browser file is zxcvbn-ts (its code or one of its word lists). */
async function isZxcvbn(url: string): Promise<boolean> {
	const { pathname } = new URL(url);
	if (!pathname.endsWith('.js')) return false;
	const text = await fs.readFile(path.join(CLIENT, pathname), 'utf8').catch(() => '');
	return /zxcvbnAsync|qwerty|commonWords/.test(text);
}

describe.each([
	['with JavaScript', true],
	['without JavaScript', false]
])('login %s', (_, javaScriptEnabled) => {
	it('focuses the username on load', async () => {
		const page = await open({ javaScriptEnabled });
		await page.goto('/login');
		expect(await focusedId(page)).toBe('field-username');
		await page.goto('/signup');
		expect(await focusedId(page)).toBe('field-username');
	});

	it('empties and focuses the password after a failed login', async () => {
		const page = await open({ javaScriptEnabled });
		await page.goto('/login');
		const username = uniqueName('focus');
		expect(await failLogin(page, username)).toBe(INCORRECT);
		expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
		expect(await page.getByLabel('Username').inputValue()).toBe(username);
		expect(await focusedId(page)).toBe('field-password');
	});

	it('warns before the pause, then pauses', async () => {
		const page = await open({ javaScriptEnabled });
		await page.goto('/login');
		const username = uniqueName('warned');
		expect(await failLogin(page, username)).toBe(INCORRECT);
		expect(await failLogin(page, username)).toBe(
			`${INCORRECT}. 2 attempts left before a 15-minute pause.`
		);
		await expect(page.getByRole('alert').isVisible()).resolves.toBe(true);
		expect(await failLogin(page, username)).toBe(
			`${INCORRECT}. 1 attempt left before a 15-minute pause.`
		);
		expect(await failLogin(page, username)).toMatch(/No attempts left: please try again in 1[45] /);
		expect(await failLogin(page, username)).toMatch(/^Too many attempts\. Please try again in /);
	});
});

describe('login with JavaScript', () => {
	it('focuses the username after client-side navigation too', async () => {
		const page = await open();
		await page.goto('/signup');
		await page.locator('#main').getByRole('link', { name: 'Log in' }).click();
		await page.waitForURL('**/login');
		await page.getByRole('heading', { name: 'Log in' }).waitFor();
		expect(await focusedId(page)).toBe('field-username');
		await page.locator('#main').getByRole('link', { name: 'Create an account' }).click();
		await page.waitForURL('**/signup');
		await page.getByRole('heading', { name: 'Create an account' }).waitFor();
		expect(await focusedId(page)).toBe('field-username');
	});

	it('has no serious accessibility problems with an error shown', async () => {
		const page = await open({ bypassCSP: true });
		await page.goto('/login');
		await failLogin(page, uniqueName('axe'));
		expect(await seriousViolations(page)).toEqual([]);
	});
});

describe('signup strength meter', () => {
	it('fetches zxcvbn only when the password is focused, and leaves no gap before', async () => {
		const page = await open({ bypassCSP: true });
		const requested: string[] = [];
		page.on('request', (request) => requested.push(request.url()));
		await page.goto('/signup', { waitUntil: 'networkidle' });
		await page.getByLabel('Username').fill(uniqueName('meter'));
		const zxcvbnSoFar = async () => {
			const found = await Promise.all(requested.map(isZxcvbn));
			return requested.filter((_, i) => found[i]);
		};
		expect(requested.some((url) => url.includes('/_app/immutable/'))).toBe(true);
		expect(await zxcvbnSoFar()).toEqual([]);

		// Nothing stands between the password's hint and the confirmation yet.
		const region = page.locator('[aria-live="polite"]:not(.field-error):not(.form-message-slot)');
		expect((await region.boundingBox())?.height).toBe(0);
		expect(await page.locator('.strength').count()).toBe(0);

		const password = page.getByLabel('Password', { exact: true });
		await password.focus();
		await page.waitForLoadState('networkidle');
		expect((await zxcvbnSoFar()).length).toBe(3);

		await password.pressSequentially('plum ferry', { delay: 20 });
		await expect(page.locator('.strength').textContent({ timeout: 5000 })).resolves.toMatch(
			/^\s*Strength: \w/
		);
		expect(await page.locator('.strength meter').count()).toBe(1);
		expect(await seriousViolations(page)).toEqual([]);
		// Focusing again fetches nothing more: the module is kept.
		const before = requested.length;
		await page.getByLabel('Confirm password').focus();
		await password.focus();
		await page.waitForLoadState('networkidle');
		expect(requested.length).toBe(before);
	});

	it('shows no meter and no gap without JavaScript', async () => {
		const page = await open({ javaScriptEnabled: false });
		await page.goto('/signup');
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		expect(await page.locator('.strength').count()).toBe(0);
	});
});
