import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** `extraArgs` e.g. `--host-resolver-rules=...` to reach made-up host names on loopback. */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			...extraArgs
		]
	});
}

export interface ContextOptions {
	javaScriptEnabled?: boolean;
	width?: number;
	colorScheme?: 'light' | 'dark';
	/** Only for injecting axe-core, which is an inline script our CSP rightly refuses. */
	bypassCSP?: boolean;
}

export async function newContext(
	browser: Browser,
	origin: string,
	options: ContextOptions = {}
): Promise<BrowserContext> {
	const width = options.width ?? 1280;
	return browser.newContext({
		baseURL: origin,
		javaScriptEnabled: options.javaScriptEnabled ?? true,
		viewport: { width, height: width < 600 ? 800 : 900 },
		colorScheme: options.colorScheme ?? 'light',
		bypassCSP: options.bypassCSP ?? false
	});
}

/** Collects what a page complains about: script errors and console errors (CSP violations). */
export function watchProblems(page: Page): string[] {
	const problems: string[] = [];
	page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console: ${message.text()}`);
	});
	return problems;
}

const axeSource = (() => {
	const require = createRequire(import.meta.url);
	return require('node:fs').readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') as string;
})();

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: number;
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
	await page.addScriptTag({ content: axeSource });
	const violations = await page.evaluate(async () => {
		const axe = (
			window as unknown as {
				axe: {
					run: () => Promise<{
						violations: Array<{
							id: string;
							impact: string | null;
							help: string;
							nodes: unknown[];
						}>;
					}>;
				};
			}
		).axe;
		const result = await axe.run();
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.length
		}));
	});
	return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs up through the real form, as a person does; resolves on /home, signed in. */
export async function signUpInBrowser(
	page: Page,
	username: string,
	password: string
): Promise<void> {
	await page.goto('/signup');
	await page.getByLabel('Username').fill(username);
	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByLabel('Confirm password').fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await page.waitForURL('**/home');
}
