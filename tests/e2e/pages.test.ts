import { Secret, TOTP } from 'otpauth';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApp, addGroup, putInGroups } from '../helpers/apps';
import { Client, signUp } from '../helpers/client';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm';
import { startServer, type RunningServer } from '../helpers/server';
import { storedUser } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, seriousViolations } from './browser';

const PASSWORD = 'plum ferry lantern';
const SCREENSHOTS = path.resolve(process.env.SCREENSHOT_DIR ?? 'tests/screenshots');

let browser: Browser;
let llm: FakeLlm;
let server: RunningServer;
let memberId = '';
let resetPath = '';
let chatPath = '';
let appPath = '';

/** The fake model echoes this, so the conversation shows what Markdown answers look like. */
const MARKDOWN_QUESTION = [
	'How do I **list** the users?',
	'',
	'1. Open a shell on the server',
	'2. Run the `users` command:',
	'',
	'```sh',
	'npm run users -- list',
	'```',
	'',
	'See https://example.com/docs and <img src=x onerror=alert(1)>'
].join('\n');

/** Every page a person can reach, and who is looking at it. */
type Who = 'visitor' | 'member' | 'admin' | 'second-step';

const PAGES: Array<{ name: string; as: Who; path: () => string }> = [
	{ name: 'welcome', as: 'visitor', path: () => '/' },
	{ name: 'login', as: 'visitor', path: () => '/login' },
	{ name: 'signup', as: 'visitor', path: () => '/signup' },
	{ name: 'reset-password', as: 'visitor', path: () => resetPath },
	{ name: 'reset-password-invalid', as: 'visitor', path: () => '/reset-password/nope' },
	{ name: 'not-found', as: 'visitor', path: () => '/no/such/page' },
	{ name: 'home', as: 'member', path: () => '/home' },
	{ name: 'profile', as: 'member', path: () => '/profile' },
	{ name: 'profile-edit', as: 'member', path: () => '/profile/edit' },
	{ name: 'account', as: 'member', path: () => '/account' },
	{ name: 'two-step-choose', as: 'member', path: () => '/account/two-step' },
	{ name: 'two-step-authenticator', as: 'member', path: () => '/account/two-step/authenticator' },
	{ name: 'two-step-codes-gone', as: 'member', path: () => '/account/two-step/recovery-codes' },
	{ name: 'login-two-step', as: 'second-step', path: () => '/login/two-step' },
	{ name: 'chat', as: 'member', path: () => '/chat' },
	{ name: 'chat-conversation', as: 'member', path: () => chatPath },
	{ name: 'logout', as: 'member', path: () => '/logout' },
	{ name: 'forbidden', as: 'member', path: () => '/admin' },
	{ name: 'admin', as: 'admin', path: () => '/admin' },
	{ name: 'admin-user', as: 'admin', path: () => `/admin/users/${memberId}` },
	{ name: 'admin-apps', as: 'admin', path: () => '/admin/apps' },
	{ name: 'admin-app', as: 'admin', path: () => appPath }
];

/** Each kind of visitor's cookie: a session, or (`second-step`) a half-done sign-in. */
const cookies: Record<Who, string> = {
	visitor: '',
	member: '',
	admin: '',
	'second-step': ''
};

beforeAll(async () => {
	browser = await launchBrowser();
	llm = await startFakeLlm();
	server = await startServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'test-model' } });
	const admin = new Client(server.origin);
	await signUp(admin, 'ada', PASSWORD);
	const member = new Client(server.origin);
	await signUp(member, 'grace', PASSWORD);
	await member.post('/profile/edit?/save', {
		fullName: 'Grace Hopper',
		bio: 'Compilers.',
		age: ''
	});
	const linus = new Client(server.origin);
	await signUp(linus, 'linus', PASSWORD);
	// linus signs in with an authenticator app: his password leads to the second step.
	const setup = await (await linus.get('/account/two-step/authenticator')).text();
	const key = /aria-label="Setup key"[^>]*>([A-Z2-7 ]+)</.exec(setup)?.[1]?.replace(/ /g, '') ?? '';
	const code = new TOTP({ secret: Secret.fromBase32(key) }).generate();
	await linus.post('/account/two-step/authenticator?/switchOn', { code });
	const halfway = new Client(server.origin);
	await halfway.post('/login', { username: 'linus', password: PASSWORD });
	cookies['second-step'] = halfway.cookies.get('two-step') ?? '';
	expect(cookies['second-step']).not.toBe('');
	// without JavaScript the form waits for the whole answer, then goes to the new chat
	const started = await member.post('/chat?/start', { content: MARKDOWN_QUESTION });
	chatPath = started.headers.get('location') ?? '';
	expect(chatPath).toMatch(/^\/chat\/[^/]+$/);
	cookies.admin = admin.cookies.get('session') ?? '';
	cookies.member = member.cookies.get('session') ?? '';
	memberId = (await storedUser(server, 'grace'))?.id ?? '';
	// a protected app for a group grace is in: a tile on her Home, and the apps pages filled
	const ops = await addGroup(admin, 'ops');
	await putInGroups(admin, memberId, [ops]);
	await addApp(admin, {
		name: 'Grafana',
		host: 'grafana.example.com',
		access: 'groups',
		groups: [ops]
	});
	await addApp(admin, {
		name: 'Wiki',
		host: 'tools.example.com',
		pathPrefix: '/wiki',
		access: 'signed-in'
	});
	const apps = await (await admin.get('/admin/apps')).text();
	appPath = /\/admin\/apps\/[0-9a-f-]{36}/.exec(apps)?.[0] ?? '';
	expect(appPath).not.toBe('');
	await admin.post(`/admin/users/${memberId}?/createResetLink`, {});
	const link = await admin.get(`/admin/users/${memberId}`);
	resetPath = /\/reset-password\/[^<"\s]+/.exec(await link.text())?.[0] ?? '';
	expect(resetPath).not.toBe('');
	await fs.mkdir(SCREENSHOTS, { recursive: true });
	console.log(`Screenshots: ${SCREENSHOTS}`);
});

afterAll(async () => {
	await browser.close();
	await server.stop();
	await llm.close();
	await removeDir(server.dataDir);
});

async function openAs(
	who: Who,
	options: { width?: number; colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {}
): Promise<Page> {
	const context = await newContext(browser, server.origin, options);
	if (cookies[who]) {
		const name = who === 'second-step' ? 'two-step' : 'session';
		await context.addCookies([{ name, value: cookies[who], url: server.origin }]);
	}
	return context.newPage();
}

describe('accessibility (axe-core)', () => {
	it.each(['light', 'dark'] as const)(
		'finds no serious or critical violation on any page in %s mode',
		async (colorScheme) => {
			const found: string[] = [];
			for (const entry of PAGES) {
				const page = await openAs(entry.as, { colorScheme, bypassCSP: true });
				await page.goto(entry.path());
				for (const violation of await seriousViolations(page)) {
					found.push(`${entry.name}: ${violation.id} (${violation.impact}) ${violation.help}`);
				}
				await page.context().close();
			}
			expect(found).toEqual([]);
		}
	);

	it('finds no violation on a form showing errors', async () => {
		const page = await openAs('visitor', { bypassCSP: true });
		await page.goto('/signup');
		await page.getByLabel('Username').fill('has space');
		await page.getByLabel('Password', { exact: true }).fill('password1');
		await page.getByLabel('Confirm password').fill('nope');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.locator('#field-username-error:not(:empty)').waitFor();
		expect(await seriousViolations(page)).toEqual([]);
		await page.context().close();
	});
});

describe('layout and screenshots', () => {
	it.each([
		['desktop', 1280],
		['phone', 375]
	] as const)(
		'renders every page at %s width without horizontal scrolling',
		async (label, width) => {
			const overflowing: string[] = [];
			for (const entry of PAGES) {
				const page = await openAs(entry.as, { width });
				await page.goto(entry.path());
				const { scrollWidth, clientWidth } = await page.evaluate(() => ({
					scrollWidth: document.documentElement.scrollWidth,
					clientWidth: document.documentElement.clientWidth
				}));
				if (scrollWidth > clientWidth) overflowing.push(`${entry.name}: ${scrollWidth}px`);
				await page.screenshot({ path: path.join(SCREENSHOTS, `${entry.name}-${label}.png`) });
				await page.context().close();
			}
			expect(overflowing).toEqual([]);
		}
	);

	it('follows the system dark mode', async () => {
		const backgrounds: string[] = [];
		for (const colorScheme of ['light', 'dark'] as const) {
			const page = await openAs('visitor', { colorScheme });
			await page.goto('/login');
			backgrounds.push(
				await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
			);
			if (colorScheme === 'dark') {
				await page.screenshot({ path: path.join(SCREENSHOTS, 'login-dark.png') });
			}
			await page.context().close();
		}
		expect(backgrounds[0]).not.toBe(backgrounds[1]);
	});
});
