import { describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { useOwnServers, useSharedServer } from '../helpers/security';
import { auditText, readStored, seedStore, storedUser } from '../helpers/stored';
import { generateSessionToken, sessionIdFromToken } from '../../src/lib/server/auth/session-tokens';
import { sessions } from '../../src/lib/server/store';
import {
	codeFor,
	pageText as text,
	passwordStep as passwordStepOn,
	personWithApp as personWithAppOn,
	TWO_STEP_PASSWORD as PASSWORD
} from '../helpers/two-step';

/* Stolen passwords and guessed codes: what the second step must withstand. */

const server = useSharedServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
const ownServer = useOwnServers();
const personWithApp = () => personWithAppOn(server().origin);
const passwordStep = (username: string, path?: string) =>
	passwordStepOn(server().origin, username, path);

describe('a stolen password', () => {
	it('treats a half-done sign-in as signed out everywhere: pages, actions and __data.json', async () => {
		const { username } = await personWithApp();
		const client = await passwordStep(username);
		expect([...client.cookies.keys()].some((name) => name.includes('session'))).toBe(false);
		for (const path of ['/home', '/account', '/profile', '/admin', '/chat', '/account/export']) {
			const response = await client.get(path);
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location'), path).toMatch(/^\/login/);
		}
		for (const path of ['/home/__data.json', '/account/__data.json', '/profile/__data.json']) {
			const body = await (await client.get(path)).text();
			expect(body, path).toContain('"type":"redirect"');
			expect(body, path).not.toContain(username);
		}
		for (const action of [
			'/account?/endOtherSessions',
			'/profile/edit',
			'/account?/newRecoveryCodes'
		]) {
			const response = await client.post(action, { fullName: 'Mallory' });
			expect([303, 403], action).toContain(response.status);
			expect(response.headers.get('location') ?? '/login', action).toMatch(/^\/login/);
		}
		expect((await storedUser(server(), username))?.fullName).toBe('');
	});

	it('sends an expired or missing half-done sign-in back to the password', async () => {
		const client = new Client(server().origin);
		const page = await client.get('/login/two-step?redirectTo=%2Fprofile');
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toBe(
			'/login?reason=two-step-expired&redirectTo=%2Fprofile'
		);
		client.cookies.set('two-step', 'forged-value');
		expect((await client.post('/login/two-step', { code: '123456' })).status).toBe(303);
	});
});

describe('guessing and replaying codes', () => {
	it('accepts a code once: the same code again is refused', async () => {
		const { username, key } = await personWithApp();
		const code = codeFor(key, 1);
		const first = await passwordStep(username);
		expect((await first.post('/login/two-step', { code })).status).toBe(303);
		const second = await passwordStep(username);
		const replay = await second.post('/login/two-step', { code });
		expect(replay.status).toBe(400);
		expect(await text(replay)).toContain('already used');
		expect((await second.get('/home')).status).toBe(303);
	});

	it('forgets wrong codes once a right one signs in, as a right password does', async () => {
		const { username, key } = await personWithApp();
		const first = await passwordStep(username);
		for (let attempt = 1; attempt <= 4; attempt++) {
			expect((await first.post('/login/two-step', { code: codeFor(key, 9) })).status).toBe(400);
		}
		expect((await first.post('/login/two-step', { code: codeFor(key, 1) })).status).toBe(303);
		const later = await passwordStep(username);
		for (let attempt = 1; attempt <= 5; attempt++) {
			const response = await later.post('/login/two-step', { code: codeFor(key, 9) });
			expect(response.status, `attempt ${attempt}`).toBe(400);
		}
	});

	it('answers the 6th wrong code within 15 minutes with 429 and Retry-After, even with a right one', async () => {
		const { username, key } = await personWithApp();
		const client = await passwordStep(username);
		const wrongCode = codeFor(key, 10);
		for (let attempt = 1; attempt <= 5; attempt++) {
			const response = await client.post('/login/two-step', { code: wrongCode });
			expect(response.status, `attempt ${attempt}`).toBe(400);
		}
		const sixth = await client.post('/login/two-step', { code: codeFor(key, 1) });
		expect(sixth.status).toBe(429);
		expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(800);
		expect(await text(sixth)).toContain('Too many attempts');
		// Kept in the store: another half-done sign-in (or instance) is refused as well.
		const again = await passwordStep(username);
		expect((await again.post('/login/two-step', { recoveryCode: 'aaaaa-bbbbb' })).status).toBe(429);
		const audit = await auditText(server());
		expect(audit.split('"two-step.wrong-code"').length - 1).toBeGreaterThanOrEqual(5);
	});

	it('takes a recovery code once, and says how many are left', async () => {
		const { username, codes } = await personWithApp();
		const code = codes[3] ?? '';
		const client = await passwordStep(username);
		// Typed with capitals and spaces as people do.
		const used = await client.post('/login/two-step', {
			recoveryCode: ` ${code.toUpperCase().replace('-', ' ')} `
		});
		expect(used.status).toBe(303);
		expect(await text(await client.get('/account'))).toContain('9 of 10');
		const again = await passwordStep(username);
		const refused = await again.post('/login/two-step', { recoveryCode: code });
		expect(refused.status).toBe(400);
		expect(await text(refused)).toContain('That recovery code is not right');
		expect(await auditText(server())).toContain('"two-step.recovery-code-used"');
	});
});

describe('a stolen session', () => {
	it('must give the password to add a factor once it is 10 minutes old', async () => {
		const first = await ownServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
		await signUp(new Client(first.origin), 'victim', PASSWORD);
		const victim = await storedUser(first, 'victim');
		await first.stop();
		// A session signed in an hour ago, still active: what a stolen cookie would be.
		const token = generateSessionToken();
		const now = Date.now();
		await seedStore(first.store, (store) =>
			store.update(async (tx) => {
				await tx.of(sessions).insert({
					id: sessionIdFromToken(token),
					userId: victim?.id ?? '',
					createdAt: new Date(now - 3_600_000).toISOString(),
					lastActiveAt: new Date(now).toISOString(),
					expiresAt: new Date(now + 600_000).toISOString(),
					remember: false,
					ip: '',
					userAgent: '',
					credentialVersion: victim?.credentialVersion ?? 0,
					twoStep: 'not-used'
				});
			})
		);
		const server = await ownServer({ store: first.store, env: { SIGNUP_MAX_PER_IP: '1000' } });
		const thief = new Client(server.origin);
		thief.cookies.set('session', token);

		const setup = await text(await thief.get('/account/two-step/authenticator'));
		expect(setup).toContain('Your password');
		const key = (/aria-label="Setup key"[^>]*>([A-Z2-7 ]+)</.exec(setup)?.[1] ?? '').replace(
			/ /g,
			''
		);
		const withoutPassword = await thief.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key)
		});
		expect(withoutPassword.status).toBe(400);
		const wrongPassword = await thief.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key),
			currentPassword: 'a guess'
		});
		expect(wrongPassword.status).toBe(400);
		const json = { origin: server.origin, 'content-type': 'application/json' };
		const options = await thief.request('/account/two-step/passkeys/options', {
			method: 'POST',
			headers: json,
			body: JSON.stringify({ currentPassword: 'a guess' })
		});
		expect(options.status).toBe(400);
		expect((await readStored(server)).authenticators).toHaveLength(0);
		expect((await readStored(server)).passkeys).toHaveLength(0);

		// The person, who knows the password, can.
		const withPassword = await thief.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key),
			currentPassword: PASSWORD
		});
		expect(withPassword.status).toBe(303);
		const allowed = await thief.request('/account/two-step/passkeys/options', {
			method: 'POST',
			headers: json,
			body: JSON.stringify({ currentPassword: PASSWORD })
		});
		expect(allowed.status).toBe(200);
	});

	it('needs the current password to switch the app off, which also voids the recovery codes', async () => {
		const { username, client } = await personWithApp();
		const wrong = await client.post('/account?/switchOffAuthenticator', {
			currentPassword: 'not my password'
		});
		expect(wrong.status).toBe(400);
		const empty = await client.post('/account?/switchOffAuthenticator', { currentPassword: '' });
		expect(empty.status).toBe(400);
		const user = await storedUser(server(), username);
		expect((await readStored(server())).authenticators.some((a) => a.id === user?.id)).toBe(true);

		const off = await client.post('/account?/switchOffAuthenticator', {
			currentPassword: PASSWORD
		});
		expect(off.status).toBe(303);
		const stored = await readStored(server());
		expect(stored.authenticators.some((a) => a.id === user?.id)).toBe(false);
		expect(stored.recoveryCodes.some((r) => r.id === user?.id)).toBe(false);
		// A password alone signs in again.
		const next = new Client(server().origin);
		const login = await logIn(next, username, PASSWORD);
		expect(login.headers.get('location')).toBe('/home');
	});
});
