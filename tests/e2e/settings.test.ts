import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalDateTime } from '../../src/lib/format';
import { Client, signUp } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { auditText, storedUser } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, seriousViolations, watchProblems } from './browser';

const PASSWORD = 'plum ferry lantern';
const NEW_PASSWORD = 'quiet harbour engine';

let browser: Browser;
let server: RunningServer;
let adminCookie = '';
let memberId = '';
const contexts: BrowserContext[] = [];
const problems: string[] = [];

beforeAll(async () => {
	browser = await launchBrowser();
	server = await startServer();
	const admin = new Client(server.origin);
	expect((await signUp(admin, 'ada', PASSWORD)).status).toBe(303);
	adminCookie = admin.cookies.get('session') ?? '';
	expect((await signUp(new Client(server.origin), 'grace', PASSWORD)).status).toBe(303);
	memberId = (await storedUser(server, 'grace'))?.id ?? '';
});

afterAll(async () => {
	await Promise.all(contexts.map((context) => context.close()));
	await browser.close();
	await server.stop();
	await removeDir(server.dataDir);
});

interface OpenOptions {
	javaScriptEnabled?: boolean;
	width?: number;
	timezoneId?: string;
	bypassCSP?: boolean;
	/** The session cookie to carry; a fresh account of its own when not given. */
	session?: string;
}

let counter = 0;

/** A page signed in as the admin, or as a fresh member when `session` is 'new'. */
async function open(options: OpenOptions = {}): Promise<Page> {
	const width = options.width ?? 1280;
	const context = options.timezoneId
		? await browser.newContext({
				baseURL: server.origin,
				viewport: { width, height: 900 },
				timezoneId: options.timezoneId,
				javaScriptEnabled: options.javaScriptEnabled ?? true
			})
		: await newContext(browser, server.origin, options);
	contexts.push(context);
	const session = options.session ?? adminCookie;
	await context.addCookies([{ name: 'session', value: session, url: server.origin }]);
	const page = await context.newPage();
	const seen = watchProblems(page);
	page.on('close', () => problems.push(...seen));
	return page;
}

async function newMember(): Promise<{ username: string; session: string }> {
	const username = `member${counter++}`;
	const client = new Client(server.origin);
	expect((await signUp(client, username, PASSWORD)).status).toBe(303);
	return { username, session: client.cookies.get('session') ?? '' };
}

/** Waits until hydration replaced the server's UTC text of every <time>. */
async function hydratedTimes(page: Page): Promise<Array<{ iso: string; text: string }>> {
	await page.waitForFunction(() =>
		[...document.querySelectorAll('time')].every((time) => !time.textContent?.endsWith('UTC'))
	);
	return page.$$eval('time', (times) =>
		times.map((time) => ({ iso: time.dateTime, text: time.textContent ?? '' }))
	);
}

describe('the account page', () => {
	it('empties the password fields after a change with JavaScript, and says no others were signed in', async () => {
		const { session } = await newMember();
		const page = await open({ session });
		await page.goto('/account');
		await page.getByLabel('Current password').first().fill(PASSWORD);
		await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
		await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByText('Password changed. No other sessions were signed in.').waitFor();
		for (const label of ['Current password', 'New password', 'Confirm new password']) {
			expect(await page.getByLabel(label, { exact: true }).first().inputValue(), label).toBe('');
		}
		await page.close();
	});

	it('shows times in the browser’s time zone, the last activity relative', async () => {
		const { session } = await newMember();
		const other = new Client(server.origin);
		await other.post('/login', { username: `member${counter - 1}`, password: PASSWORD });
		const page = await open({ session, timezoneId: 'Asia/Tokyo' });
		await page.goto('/account');
		const times = await hydratedTimes(page);
		const absolute = times.filter(({ text }) => !/ago|just now|^in /.test(text));
		expect(absolute.length).toBeGreaterThanOrEqual(3);
		for (const { iso, text } of absolute) expect(text).toBe(formatLocalDateTime(iso, 'Asia/Tokyo'));
		const sessions = await page.locator('.sessions li').allTextContents();
		expect(sessions[0]).toMatch(/This device\s*Active now · Signed in \d+ \w+ \d{4}, \d\d:\d\d/);
		expect(sessions[1]).toMatch(/Last active just now · Signed in/);
		await page.close();
	});
});

describe('the admin pages', () => {
	it('show a created reset link once, with a Copy button, and a reload does not post again', async () => {
		const page = await open();
		await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.goto(`/admin/users/${memberId}`);
		await page.getByRole('button', { name: 'Create reset link' }).click();
		const code = page.locator('code.link');
		await code.waitFor();
		const link = (await code.textContent()) ?? '';
		expect(link).toMatch(/\/reset-password\//);
		expect(await page.getByText('valid for 30 minutes').count()).toBeGreaterThan(0);
		expect(new URL(page.url()).pathname).toBe(`/admin/users/${memberId}`);

		await page.getByRole('button', { name: 'Copy link' }).click();
		await page.getByText('Copied.').waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

		const linksMade = async () =>
			(await auditText(server)).split('\n').filter((line) => line.includes('admin.reset-link'))
				.length;
		const before = await linksMade();
		await page.reload();
		await page.getByRole('heading', { name: 'Password reset link' }).waitFor();
		expect(await code.count()).toBe(0);
		expect(await page.getByText(/A link is pending, valid until/).count()).toBe(1);
		expect(await linksMade()).toBe(before);
		await page.close();
	});

	it('without JavaScript: the link shows once, no Copy button, a reload does not post again, a refused role change returns to its form', async () => {
		const page = await open({ javaScriptEnabled: false });
		await page.goto('/admin');
		await page.getByLabel('Username', { exact: true }).fill('newcomer');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.locator('code.link').waitFor();
		expect(new URL(page.url()).hash).toBe('#create-account');
		expect(await page.getByRole('button', { name: 'Copy link' }).count()).toBe(0);
		await page.reload();
		expect(await page.locator('code.link').count()).toBe(0);
		expect(await storedUser(server, 'newcomer')).toBeDefined();

		// the browser's own check stops an unticked box; a refusal from the server keeps the tick
		const adaId = (await storedUser(server, 'ada'))?.id ?? '';
		await page.goto(`/admin/users/${adaId}`);
		await page.getByLabel('Yes, make ada a regular user').check();
		await page.getByRole('button', { name: 'Make a regular user' }).click();
		await page.getByText('This is the only admin').waitFor();
		expect(new URL(page.url()).hash).toBe('#role');
		expect(await page.getByLabel('Yes, make ada a regular user').isChecked()).toBe(true);
		await page.close();
	});

	it('keep the tables readable at 375 px, scrolling inside their own region', async () => {
		const page = await open({ width: 375 });
		await page.goto('/admin');
		const widths = await page.evaluate(() => ({
			page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
			regions: [...document.querySelectorAll('.table-wrap')].map((region) => ({
				name: region.getAttribute('aria-labelledby'),
				focusable: (region as HTMLElement).tabIndex === 0,
				fits: region.getBoundingClientRect().right <= document.documentElement.clientWidth
			}))
		}));
		expect(widths.page).toBe(0);
		expect(widths.regions).toEqual([
			{ name: 'users-heading', focusable: true, fits: true },
			{ name: 'audit-heading', focusable: true, fits: true }
		]);
		await page.close();
	});

	it.each(['/account', '/admin', '/admin/users/<member>'])(
		'%s has no serious accessibility violation',
		async (path) => {
			const page = await open({ bypassCSP: true });
			await page.goto(path.replace('<member>', memberId));
			if (path.startsWith('/admin/users')) {
				await page.getByRole('button', { name: 'Create reset link' }).click();
				await page.locator('code.link').waitFor();
			}
			await hydratedTimes(page);
			expect(await seriousViolations(page)).toEqual([]);
			await page.close();
		}
	);

	it('raise no script or CSP error', () => {
		expect(problems.filter((problem) => !problem.includes('status of 400'))).toEqual([]);
	});
});
