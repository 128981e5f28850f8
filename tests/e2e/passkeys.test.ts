import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import {
	launchBrowser,
	newContext,
	seriousViolations,
	watchProblems,
	signUpInBrowser
} from './browser';

/*
 * Passkeys in Chromium, with its virtual authenticator (driven over CDP) standing in for a
 * phone or a laptop's fingerprint reader. Browsers refuse passkeys on an IP address, so this
 * server is reached as localhost.
 */

const PASSWORD = 'plum ferry lantern';

let browser: Browser;
let server: RunningServer;
let origin = '';
let counter = 0;
const uniqueName = (base: string) => `${base}${counter++}x${Date.now() % 100_000}`;

beforeAll(async () => {
	browser = await launchBrowser();
	const port = await freePort();
	origin = `http://localhost:${port}`;
	server = await startServer({ env: { PORT: String(port), ORIGIN: origin } });
});

afterAll(async () => {
	await browser.close();
	await server.stop();
	await removeDir(server.dataDir);
});

const contexts: BrowserContext[] = [];
const problems: string[][] = [];
/** Console lines a test expects: a refused sign-in is a 401 that Chromium notes. */
let expected: RegExp | null = null;

afterEach(async () => {
	await Promise.all(contexts.splice(0).map((context) => context.close()));
	const unexpected = problems.splice(0).flat();
	expect(unexpected.filter((problem) => !expected?.test(problem))).toEqual([]);
	expected = null;
});

interface Device {
	page: Page;
	cdp: CDPSession;
	authenticatorId: string;
}

interface DeviceOptions {
	javaScriptEnabled?: boolean;
	/** Only for axe-core, an inline script the CSP rightly refuses. */
	bypassCSP?: boolean;
	/** Whether the authenticator can check who holds it (fingerprint, PIN); a plain key cannot. */
	userVerification?: boolean;
	/**
	 * Whether /login offers passkeys in the username field's autofill list. Chromium's virtual
	 * authenticator answers such a request by itself at once, so tests of the buttons turn it off.
	 */
	autofill?: boolean;
}

/** A browser with a platform authenticator, as a laptop with a fingerprint reader has. */
async function device(options: DeviceOptions = {}): Promise<Device> {
	const context = await newContext(browser, origin, options);
	contexts.push(context);
	if (options.autofill === false) {
		await context.addInitScript(() => {
			PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
		});
	}
	const page = await context.newPage();
	problems.push(watchProblems(page));
	const cdp = await context.newCDPSession(page);
	await cdp.send('WebAuthn.enable');
	const verifies = options.userVerification ?? true;
	const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: {
			protocol: 'ctap2',
			transport: 'internal',
			hasResidentKey: true,
			hasUserVerification: verifies,
			isUserVerified: verifies,
			automaticPresenceSimulation: true
		}
	});
	return { page, cdp, authenticatorId };
}

async function addPasskey(page: Page, name: string): Promise<void> {
	await page.goto('/account');
	await page.getByLabel('Name of the new passkey').fill(name);
	await page.getByRole('button', { name: 'Add a passkey' }).click();
}

async function logOut(page: Page): Promise<void> {
	await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
	await page.getByRole('banner').getByRole('link', { name: 'Log in' }).waitFor();
}

const passkeyList = (page: Page) => page.locator('#two-step ul.passkeys');
/** What the passkey button's own message slot says. */
const passkeyMessage = (page: Page) => page.locator('.passkey-sign-in [role="alert"]').innerText();

describe('passkeys in a real browser', () => {
	it('adds a passkey, signs in with it and no password, and removes it', async () => {
		const { page, cdp, authenticatorId } = await device({ autofill: false });
		const username = uniqueName('pk');
		await signUpInBrowser(page, username, PASSWORD);

		await addPasskey(page, 'Work laptop');
		// The first factor comes with recovery codes, shown once on their own page.
		await page.waitForURL('**/account/two-step/recovery-codes');
		await page.goto('/account');
		const listed = passkeyList(page).locator('li', { hasText: 'Work laptop' });
		await expect.poll(() => listed.count()).toBe(1);
		expect(await listed.innerText()).toMatch(/Added .*Not used yet/s);
		const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
		expect(credentials).toHaveLength(1);
		expect(credentials[0]?.isResidentCredential).toBe(true);

		// The same device again: the browser refuses (InvalidStateError), and the page says why.
		await addPasskey(page, 'Work laptop again');
		await expect
			.poll(() => page.locator('.add-passkey [role="alert"]').innerText())
			.toMatch(/This device already holds a passkey for your account/);
		expect(await passkeyList(page).locator('li').count()).toBe(1);

		await logOut(page);
		await page.goto('/login');
		expect(await page.getByLabel('Username').getAttribute('autocomplete')).toBe(
			'username webauthn'
		);
		await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await page.waitForURL('**/home');
		await expect
			.poll(() => page.getByRole('banner').innerText())
			.toContain(`Signed in as ${username}`);

		await page.goto('/account');
		expect(await listed.innerText()).toMatch(/Last used/);
		await listed.getByText('Rename or remove').click();
		await listed.getByRole('button', { name: 'Remove Work laptop' }).click();
		await expect.poll(() => page.getByRole('status').first().innerText()).toContain('removed');
		await expect.poll(() => listed.count()).toBe(0);

		// The device still holds it, but the account no longer knows it.
		expected = /status of 401/;
		await logOut(page);
		await page.goto('/login');
		await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await expect.poll(() => passkeyMessage(page)).toMatch(/This passkey is not known here/);
		expect(new URL(page.url()).pathname).toBe('/login');
	});

	it("signs in from the username field's autofill list (conditional mediation)", async () => {
		const { page } = await device();
		const username = uniqueName('pkauto');
		await signUpInBrowser(page, username, PASSWORD);
		await addPasskey(page, 'Laptop');
		await page.waitForURL('**/account/two-step/recovery-codes');
		await logOut(page);

		// Nothing clicked: the browser's list offers the passkey, and the authenticator takes it.
		await page.goto('/login?redirectTo=%2Fprofile');
		await page.waitForURL('**/profile');
		await expect
			.poll(() => page.getByRole('banner').innerText())
			.toContain(`Signed in as ${username}`);
	});

	it('refuses a passkey alone when the device did not verify the person, with a clear message', async () => {
		const { page, cdp, authenticatorId } = await device({ autofill: false });
		await signUpInBrowser(page, uniqueName('pkuv'), PASSWORD);
		await addPasskey(page, 'Laptop');
		await page.waitForURL('**/account/two-step/recovery-codes');
		await logOut(page);
		await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });

		// Chromium itself gives up when the fingerprint or PIN fails: nothing reaches the server.
		await page.goto('/login');
		await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await expect.poll(() => passkeyMessage(page)).toMatch(/could not check that it is you/);
		expect(new URL(page.url()).pathname).toBe('/login');

		// A browser and key that sign without checking anyone (no PIN set, verification skipped)
		// send an answer without the "verified" flag: the server refuses it and says why.
		await page.evaluate(() => {
			const get = navigator.credentials.get.bind(navigator.credentials);
			navigator.credentials.get = (options) => {
				if (options?.publicKey) options.publicKey.userVerification = 'discouraged';
				return get(options);
			};
		});
		expected = /status of 401/;
		await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
		await expect.poll(() => passkeyMessage(page)).toMatch(/did not check that it is you/);
		expect(new URL(page.url()).pathname).toBe('/login');
		expect((await page.context().cookies()).some((cookie) => cookie.name === 'session')).toBe(
			false
		);
	});

	it('finishes a password sign-in with a passkey as the second step', async () => {
		const { page } = await device({ autofill: false });
		const username = uniqueName('pk2');
		await signUpInBrowser(page, username, PASSWORD);
		await addPasskey(page, 'Laptop');
		await page.waitForURL('**/account/two-step/recovery-codes');
		await logOut(page);

		await page.goto('/login?redirectTo=%2Fprofile');
		await page.getByLabel('Username').fill(username);
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByRole('button', { name: 'Log in' }).click();
		await page.waitForURL('**/login/two-step?redirectTo=%2Fprofile');
		await page.getByRole('button', { name: 'Use a passkey' }).click();
		await page.waitForURL('**/profile');
		await expect
			.poll(() => page.getByRole('banner').innerText())
			.toContain(`Signed in as ${username}`);
	});

	it('says so when the passkey dialog is closed, and changes nothing', async () => {
		const { page } = await device();
		await signUpInBrowser(page, uniqueName('pkcancel'), PASSWORD);
		await page.goto('/account');
		await page.getByLabel('Name of the new passkey').fill('Nowhere');
		await page.evaluate(() => {
			// Stands in for the person pressing Cancel in the browser's own dialog, which the
			// virtual authenticator (always present) never shows.
			navigator.credentials.create = () =>
				Promise.reject(new DOMException('The operation was cancelled.', 'NotAllowedError'));
		});
		await page.getByRole('button', { name: 'Add a passkey' }).click();
		await expect
			.poll(() => page.locator('.add-passkey [role="alert"]').innerText())
			.toBe('Nothing was changed: the passkey dialog was closed.');
		expect(await passkeyList(page).count()).toBe(0);
	});

	it('shows no passkey buttons without JavaScript, and the forms still work', async () => {
		const { page } = await device({ javaScriptEnabled: false });
		const username = uniqueName('pknojs');
		await signUpInBrowser(page, username, PASSWORD);
		await page.goto('/account');
		expect(await page.getByRole('button', { name: 'Add a passkey' }).count()).toBe(0);
		await logOut(page);
		await page.goto('/login');
		expect(await page.getByRole('button', { name: /passkey/ }).count()).toBe(0);
		await page.getByLabel('Username').fill(username);
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByRole('button', { name: 'Log in' }).click();
		await page.waitForURL('**/home');
	});

	it('has no serious accessibility problems where the passkey forms show', async () => {
		const { page } = await device({ bypassCSP: true, autofill: false });
		await signUpInBrowser(page, uniqueName('pkaxe'), PASSWORD);
		await page.goto('/account');
		await page.getByRole('button', { name: 'Add a passkey' }).waitFor();
		expect(await seriousViolations(page)).toEqual([]);
		await logOut(page);
		await page.goto('/login');
		await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
		expect(await seriousViolations(page)).toEqual([]);
	});
});
