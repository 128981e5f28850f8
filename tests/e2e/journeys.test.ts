import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, watchProblems, signUpInBrowser } from './browser';

const PASSWORD = 'plum ferry lantern';
const NEW_PASSWORD = 'quiet harbour engine';

let browser: Browser;

beforeAll(async () => {
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser.close();
});

async function logInWith(page: Page, username: string, password: string, remember = false) {
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(password);
	if (remember) await page.getByLabel(/Remember me/).check();
	await page.getByRole('button', { name: 'Log in' }).click();
}

describe.each([
	['with JavaScript', true],
	['without JavaScript', false]
])('journeys %s', (label, javaScriptEnabled) => {
	let server: RunningServer;
	let adminContext: BrowserContext;
	const contexts: BrowserContext[] = [];
	const prefix = javaScriptEnabled ? 'js' : 'nojs';
	const problems: string[] = [];

	const afterChecks: Array<() => void> = [];

	async function context(): Promise<BrowserContext> {
		const created = await newContext(browser, server.origin, { javaScriptEnabled });
		created.on('page', (page) => {
			const seen = watchProblems(page);
			afterChecks.push(() => problems.push(...seen));
		});
		contexts.push(created);
		return created;
	}

	async function open(): Promise<Page> {
		return (await context()).newPage();
	}

	beforeAll(async () => {
		server = await startServer();
		adminContext = await context();
		// The first account becomes the admin; the journeys below are ordinary users.
		await signUpInBrowser(await adminContext.newPage(), `${prefix}owner`, PASSWORD);
	});

	afterAll(async () => {
		await Promise.all(contexts.map((created) => created.close()));
		await server.stop();
		await removeDir(server.dataDir);
	});

	it('signs up, edits the profile, logs out and in, changes the password, deletes the account', async () => {
		const username = `${prefix}journey`;
		const page = await open();
		await signUpInBrowser(page, username, PASSWORD);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
			`Welcome, ${username}`
		);

		await page.getByRole('link', { name: 'Profile', exact: true }).click();
		await page.waitForURL('**/profile');
		expect(await page.getByText('Not set.').count()).toBe(3);
		await page.getByRole('link', { name: 'Edit profile' }).click();
		await page.waitForURL('**/profile/edit');
		await page.getByLabel('Full name').fill('Ada Lovelace');
		await page.getByLabel('Bio').fill('Writes programs\nfor engines.');
		await page.getByLabel('Age').fill('36');
		await page.getByRole('button', { name: 'Save profile' }).click();
		await page.waitForURL('**/profile');
		expect(await page.getByRole('status').first().textContent()).toContain('Profile saved.');
		const details = await page.locator('dl').textContent();
		expect(details).toContain('Ada Lovelace');
		expect(details).toContain('Writes programs');
		expect(details).toContain('36');

		await page.getByRole('button', { name: 'Log out' }).click();
		await page.waitForURL((url) => url.pathname === '/');
		expect(await page.getByText('You have been logged out.').count()).toBe(1);

		// a second device signs in before the password change
		const other = await open();
		await other.goto('/login');
		await logInWith(other, username, PASSWORD);
		await other.waitForURL('**/home');

		await page.goto('/login');
		await logInWith(page, username, PASSWORD, true);
		await page.waitForURL('**/home');
		const cookie = (await page.context().cookies()).find((c) => c.name === 'session');
		// "remember me": the cookie lasts about 7 days, not 10 minutes
		expect((cookie?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(6 * 86_400_000);

		await page.getByRole('link', { name: 'Account', exact: true }).click();
		await page.waitForURL('**/account');
		await page.getByLabel('Current password').first().fill(PASSWORD);
		await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByText('Password changed. 1 other session signed out.').waitFor();

		await other.reload();
		await other.waitForURL('**/login?**');
		expect(
			await other.getByText('Your password was changed, please sign in with the new one.').count()
		).toBe(1);

		await page.getByLabel('Your password').fill(NEW_PASSWORD);
		await page.getByLabel(/I understand/).check();
		await page.getByRole('button', { name: 'Delete my account' }).click();
		await page.waitForURL((url) => url.pathname === '/');
		expect(await page.getByText('Your account has been deleted.').count()).toBe(1);

		await page.goto('/login');
		await logInWith(page, username, NEW_PASSWORD);
		await page.waitForLoadState('networkidle');
		expect(await page.getByText('Incorrect username or password').count()).toBe(1);
	});

	it('sends a visitor from /profile to login and back to /profile', async () => {
		const username = `${prefix}returner`;
		const setup = await open();
		await signUpInBrowser(setup, username, PASSWORD);
		const page = await open();
		await page.goto('/profile');
		await page.waitForURL('**/login?redirectTo=%2Fprofile');
		await logInWith(page, username, PASSWORD);
		await page.waitForURL('**/profile');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your profile');
	});

	it('shows the Admin link to a user after an admin promotes them', async () => {
		const username = `${prefix}promoted`;
		const userPage = await open();
		await signUpInBrowser(userPage, username, PASSWORD);
		expect(await userPage.getByRole('link', { name: 'Admin' }).count()).toBe(0);

		const adminPage = await adminContext.newPage();
		await adminPage.goto(`/admin?q=${username}`);
		await adminPage.getByRole('link', { name: username }).click();
		await adminPage.waitForURL('**/admin/users/**');
		await adminPage.getByLabel(`Yes, make ${username} an admin`).check();
		await adminPage.getByRole('button', { name: 'Make an admin' }).click();
		await adminPage.waitForLoadState('networkidle');
		expect(await adminPage.getByText(`${username} is now an admin.`).count()).toBe(1);

		await userPage.reload();
		expect(await userPage.getByRole('link', { name: 'Admin' }).count()).toBe(1);
	});

	it('shows each error next to its field', async () => {
		const page = await open();
		await page.goto('/signup');
		await page.getByLabel('Username').fill('has space');
		await page.getByLabel('Password', { exact: true }).fill('password1');
		await page.getByLabel('Confirm password').fill('password2');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.locator('#field-username-error:not(:empty)').waitFor();
		const fields = {
			username: 'Use only letters a-z, digits and the characters _ . -',
			password: 'This is one of the most common passwords. Choose a less guessable one.',
			confirmPassword: 'The passwords do not match.'
		};
		for (const [name, message] of Object.entries(fields)) {
			const input = page.locator(`#field-${name}`);
			expect(await page.locator(`#field-${name}-error`).textContent()).toBe(message);
			expect(await input.getAttribute('aria-invalid')).toBe('true');
			expect(await input.getAttribute('aria-describedby')).toContain(`field-${name}-error`);
		}
		expect(await page.getByLabel('Username').inputValue()).toBe('has space');
		if (!javaScriptEnabled)
			expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
	});

	it(`raises no script or CSP error ${label}`, () => {
		for (const check of afterChecks) check();
		// Chromium logs every 4xx document; a refused form (400) is one on purpose.
		const unexpected = problems.filter((problem) => !problem.includes('status of 400'));
		expect(unexpected).toEqual([]);
	});
});

describe('an expired session', () => {
	it('lands on login with a notice, then returns to the page', async () => {
		const server = await startServer({
			env: { SESSION_IDLE_SECONDS: '2', SESSION_ABSOLUTE_SECONDS: '60' }
		});
		const context = await newContext(browser, server.origin);
		try {
			const page = await context.newPage();
			await signUpInBrowser(page, 'dozer', PASSWORD);
			await page.goto('/profile');
			await new Promise((resolve) => setTimeout(resolve, 2300));
			await page.reload();
			await page.waitForURL('**/login?**');
			expect(await page.getByText('Your session expired, please sign in again.').count()).toBe(1);
			await logInWith(page, 'dozer', PASSWORD);
			await page.waitForURL('**/profile');
		} finally {
			await context.close();
			await server.stop();
			await removeDir(server.dataDir);
		}
	});
});
