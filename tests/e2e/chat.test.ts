import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm';
import { startServer, type RunningServer } from '../helpers/server';
import { removeDir } from '../helpers/temp-dir';
import { launchBrowser, newContext, seriousViolations, watchProblems } from './browser';

const PASSWORD = 'plum ferry lantern';

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

describe('chat in the browser', () => {
	it('streams an answer, keeps it after a reload, and sends on Enter only', async () => {
		const context = await newContext(browser, server.origin);
		const page = await context.newPage();
		const problems = watchProblems(page);
		await page.goto('/signup');
		await page.getByLabel('Username').fill('talker');
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Confirm password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL('**/home');

		await page.getByRole('link', { name: 'Chat', exact: true }).click();
		await page.waitForURL('**/chat');
		await page.getByRole('button', { name: 'New chat' }).click();
		await page.waitForURL('**/chat/*');

		const box = page.getByLabel('Message');
		await box.fill('first line');
		await box.press('Shift+Enter');
		await box.pressSequentially('second line');
		expect(await box.inputValue()).toBe('first line\nsecond line');
		await box.press('Enter');

		// while it streams, the answer grows and a Stop button is offered
		const answer = page.locator('.message.assistant').last();
		await page.getByRole('button', { name: 'Stop' }).waitFor();
		await answer.getByText('Echo: first').waitFor();
		await page.getByRole('button', { name: 'Send' }).waitFor();
		expect(await answer.locator('p').textContent()).toBe('Echo: first line\nsecond line');

		await page.reload();
		const messages = await page.locator('.message').allTextContents();
		expect(messages.map((text) => text.trim())).toEqual([
			'You first line\nsecond line',
			'Assistant Echo: first line\nsecond line'
		]);
		expect(await page.locator('.chat-sidebar a[aria-current="page"]').textContent()).toBe(
			'first line second line'
		);
		expect(problems).toEqual([]);

		// the conversation page passes axe too (a context without CSP, to inject axe-core)
		const checked = await newContext(browser, server.origin, { bypassCSP: true });
		await checked.addCookies(await context.cookies());
		const axePage = await checked.newPage();
		await axePage.goto(page.url());
		expect(await seriousViolations(axePage)).toEqual([]);
		await checked.close();
		await context.close();
	});

	it('shows a failing model as a message in the conversation', async () => {
		const context = await newContext(browser, server.origin);
		const page = await context.newPage();
		await page.goto('/signup');
		await page.getByLabel('Username').fill('unlucky');
		await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
		await page.getByLabel('Confirm password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL('**/home');
		await page.goto('/chat');
		await page.getByRole('button', { name: 'New chat' }).click();
		await page.waitForURL('**/chat/*');
		await page.getByLabel('Message').fill('fail');
		await page.getByRole('button', { name: 'Send' }).click();
		const alert = page.getByRole('alert').filter({ hasText: 'model exploded' });
		await alert.waitFor();
		expect(await alert.textContent()).toContain('The model server answered 500');
		await context.close();
	});
});
