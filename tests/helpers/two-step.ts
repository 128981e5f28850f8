import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { Client, signUp } from './client';

/*
 * Two-step sign-in as a browser without JavaScript uses it. Codes are computed by an independent
 * TOTP implementation (otpauth) from the key the setup page shows, never by the app's own code.
 */

export const TWO_STEP_PASSWORD = 'correct horse battery';

let counter = 0;
export const uniqueTwoStepName = () => `two${Date.now() % 100_000}${counter++}`;

/** A page's text without Svelte's hydration markers, with apostrophes as typed. */
export const pageText = async (response: Response) =>
	(await response.text()).replace(/<!--[\s\S]*?-->/g, '').replace(/&#39;|&rsquo;/g, "'");

/** The code an authenticator app shows `offsetSteps` 30-second steps from now. */
export function codeFor(key: string, offsetSteps = 0): string {
	const totp = new TOTP({
		secret: Secret.fromBase32(key),
		digits: 6,
		period: 30,
		algorithm: 'SHA1'
	});
	return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** Reads the key the setup page shows for typing into an app. */
export async function setupKey(client: Client): Promise<string> {
	const response = await client.get('/account/two-step/authenticator');
	expect(response.status).toBe(200);
	const html = await pageText(response);
	expect(html).toContain('<svg');
	const key = /aria-label="Setup key"[^>]*>([A-Z2-7 ]+)</.exec(html)?.[1];
	expect(key).toBeDefined();
	return (key ?? '').replace(/ /g, '');
}

/** A person signed up on `origin` with an authenticator app switched on, and their codes. */
export async function personWithApp(origin: string) {
	const username = uniqueTwoStepName();
	const client = new Client(origin);
	expect((await signUp(client, username, TWO_STEP_PASSWORD)).status).toBe(303);
	const key = await setupKey(client);
	const switched = await client.post('/account/two-step/authenticator?/switchOn', {
		code: codeFor(key)
	});
	expect(switched.status).toBe(303);
	expect(switched.headers.get('location')).toBe('/account/two-step/recovery-codes');
	const page = await pageText(await client.get('/account/two-step/recovery-codes'));
	const codes = [...page.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1] ?? '');
	return { username, client, key, codes };
}

/** Password first: the client now holds a half-done sign-in. */
export async function passwordStep(
	origin: string,
	username: string,
	path = '/login'
): Promise<Client> {
	const client = new Client(origin);
	const response = await client.post(path, { username, password: TWO_STEP_PASSWORD });
	expect(response.status).toBe(303);
	expect(response.headers.get('location')).toMatch(/^\/login\/two-step/);
	return client;
}
