import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/cli';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer, type RunningServer } from '../helpers/server';
import { auditText, readStored, storedUser } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';
import { storeEnv } from '../helpers/backend';
import {
	codeFor,
	pageText as text,
	passwordStep as passwordStepOn,
	personWithApp as personWithAppOn,
	setupKey,
	TWO_STEP_PASSWORD as PASSWORD,
	uniqueTwoStepName as uniqueName
} from '../helpers/two-step';

/* Two-step sign-in through the built server; the attacks on it are in tests/security/. */

let server: RunningServer;
let admin: Client;

beforeAll(async () => {
	server = await startServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
	admin = new Client(server.origin);
	expect((await signUp(admin, 'boss', PASSWORD)).status).toBe(303);
});

afterAll(async () => {
	await server.stop();
	await removeDir(server.dataDir);
});

const personWithApp = () => personWithAppOn(server.origin);
const passwordStep = (username: string, path?: string) =>
	passwordStepOn(server.origin, username, path);

describe('setting up an authenticator app', () => {
	it('switches on only with a right code, keeps the key sealed, and shows 10 recovery codes once', async () => {
		const username = uniqueName();
		const client = new Client(server.origin);
		await signUp(client, username, PASSWORD);
		const key = await setupKey(client);
		// A reload shows the same key, so a half-scanned code stays valid.
		expect(await setupKey(client)).toBe(key);

		const wrong = await client.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key, 5)
		});
		expect(wrong.status).toBe(400);
		expect(await text(wrong)).toContain('That code is not right');
		expect((await readStored(server)).authenticators).toHaveLength(0);

		const right = await client.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key)
		});
		expect(right.status).toBe(303);
		const shown = await text(await client.get('/account/two-step/recovery-codes'));
		const codes = [...shown.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
		expect(codes).toHaveLength(10);
		expect(new Set(codes).size).toBe(10);
		// Shown once: a reload has nothing to show.
		expect(await text(await client.get('/account/two-step/recovery-codes'))).not.toContain(
			codes[0]
		);

		const user = await storedUser(server, username);
		const stored = await readStored(server);
		const record = stored.authenticators.find((entry) => entry.id === user?.id);
		expect(record).toBeDefined();
		const everything = JSON.stringify(stored);
		// Neither the key (in any spelling) nor a recovery code is stored in the clear.
		expect(everything).not.toContain(key);
		expect(everything).not.toContain(
			Buffer.from(Secret.fromBase32(key).bytes).toString('base64url')
		);
		expect(everything).not.toContain(Buffer.from(Secret.fromBase32(key).bytes).toString('hex'));
		for (const code of codes) expect(everything).not.toContain(code ?? '');

		const account = await text(await client.get('/account'));
		expect(account).toContain('Two-step sign-in');
		expect(account).toContain('10 of 10');
		expect(await auditText(server)).toContain('"two-step.authenticator-added"');
	});
});

describe('signing in with a second step', () => {
	it('signs in with password and code, keeps redirectTo, and the session has passed the second step', async () => {
		const { username, key } = await personWithApp();
		const client = await passwordStep(username, '/login?redirectTo=%2Fprofile');
		const page = await client.get('/login/two-step?redirectTo=%2Fprofile');
		expect(page.status).toBe(200);
		expect(await text(page)).toContain('name="code"');
		const done = await client.post('/login/two-step?redirectTo=%2Fprofile', {
			code: codeFor(key, 1)
		});
		expect(done.status).toBe(303);
		expect(done.headers.get('location')).toBe('/profile');
		expect((await client.get('/home')).status).toBe(200);
		const user = await storedUser(server, username);
		const sessions = (await readStored(server)).sessions.filter((s) => s.userId === user?.id);
		expect(sessions.map((s) => s.twoStep).sort()).toEqual(['passed', 'passed']);
		expect(await auditText(server)).toContain('"detail":"authenticator app"');
	});
});

describe('admins', () => {
	it('get a calm reminder on /admin while they have no second factor', async () => {
		const page = await text(await admin.get('/admin'));
		expect(page).toContain('Your admin account signs in with a password alone');
	});
});

describe('turning factors off', () => {
	it('lets an admin remove all factors, which ends the person’s sessions and is audited', async () => {
		const { username, client } = await personWithApp();
		const user = await storedUser(server, username);
		const page = await text(await admin.get(`/admin/users/${user?.id}`));
		expect(page).toContain('Authenticator app, since');
		const reset = await admin.post(`/admin/users/${user?.id}?/resetTwoStep`, {});
		expect(reset.status).toBe(303);
		const signedOut = await client.get('/home');
		expect(signedOut.status).toBe(303);
		// The login page tells them why.
		const login = await client.get(signedOut.headers.get('location') ?? '/login');
		expect(await text(login)).toContain('An admin removed your second factors');
		const stored = await readStored(server);
		expect(stored.authenticators.some((a) => a.id === user?.id)).toBe(false);
		expect(stored.sessions.some((s) => s.userId === user?.id)).toBe(false);
		expect(await auditText(server)).toContain('"admin.reset-two-step"');
		// A user cannot do it to someone else.
		const { username: other } = await personWithApp();
		const otherUser = await storedUser(server, other);
		const mallory = new Client(server.origin);
		await signUp(mallory, uniqueName(), PASSWORD);
		expect((await mallory.post(`/admin/users/${otherUser?.id}?/resetTwoStep`, {})).status).toBe(
			403
		);
		expect((await readStored(server)).authenticators.some((a) => a.id === otherUser?.id)).toBe(
			true
		);
	});

	it('lists factors in the export by name and date, never keys or hashes', async () => {
		const { client, key } = await personWithApp();
		const exported = await (await client.get('/account/export')).text();
		const data = JSON.parse(exported) as {
			twoStep: { authenticatorApp: unknown; recoveryCodesLeft: number };
		};
		expect(data.twoStep.authenticatorApp).toHaveProperty('addedAt');
		expect(data.twoStep.recoveryCodesLeft).toBe(10);
		expect(exported).not.toContain(key);
		expect(exported).not.toMatch(/sealed|hashes|[0-9a-f]{64}/i);
	});
});

describe('the operator command', () => {
	it('reset-two-step removes a person’s factors and signs them out', async () => {
		const { username, client } = await personWithApp();
		// With the JSON files the command needs the server stopped, as the README says.
		await server.stop();
		const result = await runScript('users', ['reset-two-step', username], storeEnv(server.store));
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toContain(`Removed ${username}'s 1 second factor(s)`);
		server = await startServer({ store: server.store, env: { SIGNUP_MAX_PER_IP: '1000' } });
		expect((await client.at(server.origin).get('/home')).status).toBe(303);
		const login = await logIn(new Client(server.origin), username, PASSWORD);
		expect(login.headers.get('location')).toBe('/home');
		expect(await auditText(server)).toContain('"cli.reset-two-step"');
	});
});

describe('REQUIRE_TWO_STEP', () => {
	let strict: RunningServer;

	beforeAll(async () => {
		strict = await startServer({
			env: { SIGNUP_MAX_PER_IP: '1000', REQUIRE_TWO_STEP: 'everyone' }
		});
	});

	afterAll(async () => {
		await strict.stop();
		await removeDir(strict.dataDir);
	});

	it('sends someone without a factor to set one up, and lets them reach nothing else until then', async () => {
		const client = new Client(strict.origin);
		const username = uniqueName();
		expect((await signUp(client, username, PASSWORD)).status).toBe(303);
		for (const path of ['/home', '/account', '/profile', '/chat', '/account/export']) {
			const response = await client.get(path);
			expect(response.status, path).toBe(303);
			expect(response.headers.get('location'), path).toBe('/account/two-step');
		}
		const data = await (await client.get('/account/__data.json')).text();
		expect(data).toContain('"type":"redirect"');
		expect(data).toContain('/account/two-step');
		const action = await client.post('/profile/edit', { fullName: 'Skipped the setup' });
		expect(action.status).toBe(303);
		expect((await storedUser(strict, username))?.fullName).toBe('');
		expect(await text(await client.get('/account/two-step'))).toContain(
			'Your team requires a second factor'
		);

		const page = await text(await client.get('/account/two-step/authenticator'));
		const key = (/aria-label="Setup key"[^>]*>([A-Z2-7 ]+)</.exec(page)?.[1] ?? '').replace(
			/ /g,
			''
		);
		const switched = await client.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(key)
		});
		expect(switched.status).toBe(303);
		expect((await client.get('/home')).status).toBe(200);
		expect((await client.get('/account')).status).toBe(200);

		// The last factor of someone who must have one cannot be switched off.
		const off = await client.post('/account?/switchOffAuthenticator', {
			currentPassword: PASSWORD
		});
		expect(off.status).toBe(400);
		expect(await text(off)).toContain('Your team requires a second factor');
		const user = await storedUser(strict, username);
		expect((await readStored(strict)).authenticators.some((a) => a.id === user?.id)).toBe(true);
	});
});

describe('REQUIRE_TWO_STEP set after people signed in', () => {
	it('holds password-only sessions at the setup page; with a factor, they must sign in again', async () => {
		const before = await startServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
		const username = uniqueName();
		const laptop = new Client(before.origin);
		await signUp(laptop, username, PASSWORD);
		// The phone signs in with the password too, and sets up the app: only its session passed.
		const phone = new Client(before.origin);
		await logIn(phone, username, PASSWORD);
		await phone.post('/account/two-step/authenticator?/switchOn', {
			code: codeFor(await setupKey(phone))
		});
		const other = new Client(before.origin);
		await signUp(other, uniqueName(), PASSWORD);
		await before.stop();

		const after = await startServer({
			store: before.store,
			env: { SIGNUP_MAX_PER_IP: '1000', REQUIRE_TWO_STEP: 'everyone' }
		});
		try {
			const held = await other.at(after.origin).get('/home');
			expect(held.status).toBe(303);
			expect(held.headers.get('location')).toBe('/account/two-step');
			expect(await text(await other.at(after.origin).get('/account/two-step'))).toContain(
				'Set up an authenticator app'
			);
			expect((await phone.at(after.origin).get('/home')).status).toBe(200);
			expect((await laptop.at(after.origin).get('/home')).headers.get('location')).toBe(
				'/account/two-step'
			);
			expect(await text(await laptop.at(after.origin).get('/account/two-step'))).toContain(
				'Log out, then sign in again'
			);
			// Nor can that session add a factor of its own to pass: it must use the one there is.
			const setup = await laptop.at(after.origin).get('/account/two-step/authenticator');
			expect(setup.headers.get('location')).toBe('/account/two-step');
			const options = await laptop.at(after.origin).request('/account/two-step/passkeys/options', {
				method: 'POST',
				headers: { origin: after.origin, 'content-type': 'application/json' },
				body: '{}'
			});
			expect(options.status).toBe(403);
			// Nor reach a tool's endpoint.
			const stream = await other.at(after.origin).request('/chat/any-chat/stream', {
				method: 'POST',
				headers: { origin: after.origin, 'content-type': 'application/json' },
				body: JSON.stringify({ content: 'hello' })
			});
			expect(stream.status).toBe(403);
		} finally {
			await after.stop();
			await removeDir(after.dataDir);
		}
	});
});
