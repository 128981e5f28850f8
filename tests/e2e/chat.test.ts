import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import {
	launchBrowser,
	newContext,
	seriousViolations,
	watchProblems,
	signUpInBrowser
} from './browser';

const PASSWORD = 'plum ferry lantern';
const MODEL_FAILED = 'The model could not answer. Try again in a moment.';

let browser: Browser;
let llm: FakeLlm;
let server: RunningServer;

beforeAll(async () => {
	browser = await launchBrowser();
	llm = await startFakeLlm();
	server = await startServer({ env: { LLM_BASE_URL: llm.baseUrl, LLM_MODEL: 'test-model' } });
});

afterAll(async () => {
	await browser.close();
	await server.stop();
	await llm.close();
	await removeDir(server.dataDir);
});

/** Types into the message box and presses Enter; resolves once the answer has ended. */
async function send(page: Page, text: string): Promise<void> {
	await page.getByLabel('Message').fill(text);
	await page.getByLabel('Message').press('Enter');
	await page.getByRole('button', { name: 'Stop' }).waitFor();
	await page.getByRole('button', { name: 'Send' }).waitFor();
}

const answers = (page: Page) => page.locator('.message.assistant');

describe('chat in the browser', () => {
	it('starts a chat from the focused box on /chat, streams, keeps it after a reload', async () => {
		const context = await newContext(browser, server.origin);
		const page = await context.newPage();
		const problems = watchProblems(page);
		await signUpInBrowser(page, 'talker', PASSWORD);

		await page.getByRole('link', { name: 'Chat', exact: true }).click();
		await page.waitForURL('**/chat');
		// the box is focused at once: typing starts the chat
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('chat-message');
		await page.keyboard.type('first line');
		await page.keyboard.press('Shift+Enter');
		await page.keyboard.type('second line');
		expect(await page.getByLabel('Message').inputValue()).toBe('first line\nsecond line');
		await page.keyboard.press('Enter');
		await page.waitForURL('**/chat/*');

		// while it streams, the answer grows and a Stop button is offered
		await page.getByRole('button', { name: 'Stop' }).waitFor();
		await answers(page).last().getByText('Echo: first').waitFor();
		await page.getByRole('button', { name: 'Send' }).waitFor();
		expect(await answers(page).last().locator('.markdown').innerText()).toBe(
			'Echo: first line second line'
		);

		await page.reload();
		expect(await page.locator('.message.user .plain').innerText()).toBe('first line\nsecond line');
		expect(await answers(page).locator('.markdown').innerText()).toBe(
			'Echo: first line second line'
		);
		expect(await page.locator('.chat-sidebar a[aria-current="page"]').textContent()).toBe(
			'first line second line'
		);
		expect(problems).toEqual([]);
		await context.close();
	});

	it('marks an answer cut short by Stop, also after a reload', async () => {
		const context = await newContext(browser, server.origin);
		const page = await context.newPage();
		await signUpInBrowser(page, 'stopper', PASSWORD);
		await page.goto('/chat');
		const long = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
		await page.getByLabel('Message').fill(long);
		await page.getByLabel('Message').press('Enter');
		await answers(page).last().getByText('Echo: w0').waitFor();
		await page.getByRole('button', { name: 'Stop' }).click();
		await page.getByRole('button', { name: 'Send' }).waitFor();
		await answers(page).last().getByText('Stopped.').waitFor();
		await page.reload();
		expect(await answers(page).last().innerText()).toContain('Stopped.');
		expect(await answers(page).last().innerText()).not.toContain(`w59`);
		await context.close();
	});

	it('keeps a failed answer after a reload and tries it again', async () => {
		const context = await newContext(browser, server.origin);
		const page = await context.newPage();
		const problems = watchProblems(page);
		await signUpInBrowser(page, 'unlucky', PASSWORD);
		await page.goto('/chat');
		await page.getByLabel('Message').fill('flaky in the browser');
		await page.getByLabel('Message').press('Enter');
		await page.getByRole('button', { name: 'Try again' }).waitFor();
		await page.reload();
		expect(await answers(page).last().innerText()).toContain(MODEL_FAILED);
		await page.getByRole('button', { name: 'Try again' }).click();
		await answers(page).last().getByText('Echo: flaky in the browser').waitFor();
		await page.getByRole('button', { name: 'Send' }).waitFor();
		expect(await page.getByText(MODEL_FAILED).count()).toBe(0);
		expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);
		expect(problems).toEqual([]);
		await context.close();
	});

	it('fits a phone: the box stays in view, the chats fold into a menu, no sideways scroll', async () => {
		const context = await newContext(browser, server.origin, { width: 375 });
		const page = await context.newPage();
		await signUpInBrowser(page, 'pocket', PASSWORD);
		await page.goto('/chat');
		const title = 'A very long first message that becomes a very long title for this chat';
		await send(page, title);
		for (let i = 0; i < 4; i++) {
			await send(page, `Another question, number ${i}, long enough to wrap on a phone screen`);
			const box = await page.getByLabel('Message').boundingBox();
			expect(box).not.toBeNull();
			expect(box!.y).toBeGreaterThanOrEqual(0);
			expect(box!.y + box!.height).toBeLessThanOrEqual(800);
		}
		expect(await page.evaluate(() => scrollY)).toBeGreaterThan(0);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(375);
		const heading = await page.getByRole('heading', { level: 1 }).boundingBox();
		expect(heading!.x + heading!.width).toBeLessThanOrEqual(375);
		expect(
			await page
				.getByRole('heading', { level: 1 })
				.evaluate((h) => h.scrollWidth > h.clientWidth && getComputedStyle(h).textOverflow)
		).toBe('ellipsis');

		// the list of chats is a menu, closed until opened
		expect(await page.locator('.chat-sidebar').isVisible()).toBe(false);
		const menu = page.locator('.chat-menu');
		expect(await menu.getByRole('link', { name: 'New chat' }).isVisible()).toBe(false);
		await menu.getByText('Your chats (1)').click();
		await menu.getByRole('link', { name: 'New chat' }).waitFor();
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(375);
		await context.close();
	});

	it('shows a hostile Markdown answer as text, runs nothing, and copies code', async () => {
		const context = await newContext(browser, server.origin);
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		const page = await context.newPage();
		const problems = watchProblems(page);
		const dialogs: string[] = [];
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		await signUpInBrowser(page, 'mallory', PASSWORD);
		await page.goto('/chat');
		await send(
			page,
			'Here:\n\n## Steps\n\n1. **one**\n2. `two`\n\n```sh\nnpm test\n```\n\n' +
				'<img src=x onerror=alert(1)> [click](javascript:alert(2)) <script>alert(3)</script>'
		);
		const answer = answers(page).last();
		await answer.locator('h2', { hasText: 'Steps' }).waitFor();
		expect(await answer.locator('ol li').count()).toBe(2);
		expect(await answer.innerText()).toContain('<img src=x onerror=alert(1)>');
		expect(await answer.innerText()).toContain('[click](javascript:alert(2))');
		expect(await page.locator('.conversation img, .conversation script').count()).toBe(0);
		expect(await page.locator('a[href^="javascript"]').count()).toBe(0);

		const copy = answer.getByRole('button', { name: 'Copy code' });
		await copy.click();
		await answer.getByRole('button', { name: 'Copied' }).waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('npm test\n');

		await page.reload();
		await answer.getByRole('button', { name: 'Copy code' }).waitFor();
		expect(dialogs).toEqual([]);
		expect(problems).toEqual([]);

		// the page with Markdown passes axe (a context without CSP, to inject axe-core)
		const checked = await newContext(browser, server.origin, { bypassCSP: true });
		await checked.addCookies(await context.cookies());
		const axePage = await checked.newPage();
		await axePage.goto(page.url());
		expect(await seriousViolations(axePage)).toEqual([]);
		await axePage.setViewportSize({ width: 375, height: 800 });
		expect(await seriousViolations(axePage)).toEqual([]);
		await checked.close();
		await context.close();
	});

	it('works without JavaScript: start, answer, no Copy buttons, delete after confirming', async () => {
		const context = await newContext(browser, server.origin, { javaScriptEnabled: false });
		const page = await context.newPage();
		await signUpInBrowser(page, 'plain', PASSWORD);
		await page.goto('/chat');
		await page.getByLabel('Message').fill('```\ncode\n```');
		await page.getByRole('button', { name: 'Send' }).click();
		await page.waitForURL('**/chat/*');
		await answers(page).locator('pre').waitFor();
		expect(await page.getByRole('button', { name: 'Copy code' }).isVisible()).toBe(false);

		await page.getByText('Rename or delete').click();
		await page.getByRole('link', { name: 'Delete this chat…' }).click();
		await page.getByRole('heading', { name: 'Delete this chat?' }).waitFor();
		await page.getByRole('button', { name: 'Delete chat' }).click();
		await page.waitForURL('**/chat');
		expect(await page.locator('.chat-sidebar li').count()).toBe(0);
		await context.close();
	});
});
