import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import {
	addPasskey,
	passkeySignIn,
	postJson,
	registrationOptions,
	signInOptions,
	storedPasskeys
} from '../helpers/passkeys';
import { startServer, type RunningServer } from '../helpers/server';
import { auditText, storedSessions, storedUser } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';

/*
 * Passkeys over HTTP, answered by a software authenticator: adding them, signing in with one
 * alone, and as the second step after a password. The refusals are in tests/security/passkeys.
 */

const PASSWORD = 'correct horse battery';
let server: RunningServer;

beforeAll(async () => {
	server = await startServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
	await signUp(new Client(server.origin), 'first-account', PASSWORD);
});

afterAll(async () => {
	await server.stop();
	await removeDir(server.dataDir);
});

let counter = 0;
const uniqueName = () => `passkey${Date.now() % 100_000}x${counter++}`;

async function person() {
	const username = uniqueName();
	const client = new Client(server.origin);
	expect((await signUp(client, username, PASSWORD)).status).toBe(303);
	const id = (await storedUser(server, username))?.id ?? '';
	return { username, client, id };
}

describe('adding a passkey on the account page', () => {
	it('offers options for a discoverable passkey on this host, with a stored challenge', async () => {
		const { client, username } = await person();
		const options = await registrationOptions(client);
		expect(options.rp.id).toBe('127.0.0.1');
		expect(options.user.name).toBe(username);
		expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(options.authenticatorSelection?.residentKey).toBe('required');
		expect(options.excludeCredentials).toEqual([]);
	});

	it('keeps it with its name, makes recovery codes for the first factor only, and says so in the audit trail', async () => {
		const { client, id, username } = await person();
		const first = await addPasskey(client, '  Work   laptop ');
		expect(first.response.status).toBe(200);
		expect(await first.response.json()).toEqual({ recoveryCodes: true });
		// The codes wait for their page in a sealed cookie, shown once.
		const codesPage = await client.get('/account/two-step/recovery-codes');
		expect(codesPage.status).toBe(200);

		const second = await addPasskey(client, 'Phone');
		expect(await second.response.json()).toEqual({ recoveryCodes: false });

		const stored = await storedPasskeys(server, id);
		expect(stored.map((passkey) => passkey.name).sort()).toEqual(['Phone', 'Work laptop']);
		const laptop = stored.find((passkey) => passkey.name === 'Work laptop');
		expect(laptop).toMatchObject({
			id: first.authenticator.id,
			counter: 0,
			lastUsedAt: '',
			transports: ['internal']
		});
		expect(await auditText(server)).toContain(
			JSON.stringify({ actor: username, action: 'two-step.passkey-added' }).slice(1, -1)
		);

		// The browser is told not to make another passkey on a device that has one.
		const options = await registrationOptions(client);
		expect(options.excludeCredentials?.map((item) => item.id).sort()).toEqual(
			[first.authenticator.id, second.authenticator.id].sort()
		);
		const page = await (await client.get('/account')).text();
		expect(page).toContain('Work laptop');
	});

	it('refuses an empty or overlong name before anything is kept', async () => {
		const { client, id } = await person();
		for (const name of ['', '   ', 'x'.repeat(65)]) {
			const { response } = await addPasskey(client, name);
			expect(response.status).toBe(400);
			expect(((await response.json()) as { message: string }).message).toMatch(/1 to 64/);
		}
		expect(await storedPasskeys(server, id)).toEqual([]);
	});

	it('refuses the same credential twice', async () => {
		const { client } = await person();
		const { authenticator } = await addPasskey(client, 'Key');
		const again = await addPasskey(client, 'Key again', authenticator);
		expect(again.response.status).toBe(400);
		expect(((await again.response.json()) as { message: string }).message).toBe(
			'This passkey is already registered.'
		);
	});
});

describe('signing in with a passkey alone', () => {
	it('signs in with no username or password, counts as both factors, and notes the use', async () => {
		const { client, id, username } = await person();
		const { authenticator } = await addPasskey(client, 'Laptop');

		const visitor = new Client(server.origin);
		const options = await signInOptions(visitor);
		expect(options.rpId).toBe('127.0.0.1');
		expect(options.allowCredentials ?? []).toEqual([]);
		const { response } = await passkeySignIn(visitor, authenticator, { redirectTo: '/profile' });
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ redirectTo: '/profile' });
		expect((await visitor.get('/home')).status).toBe(200);

		const sessions = (await storedSessions(server)).filter((session) => session.userId === id);
		expect(sessions.map((session) => session.twoStep)).toEqual(['passed', 'passed']);
		const [stored] = await storedPasskeys(server, id);
		expect(stored?.counter).toBe(1);
		expect(Date.parse(stored?.lastUsedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
		expect(await auditText(server)).toMatch(
			new RegExp(`"actor":"${username}","action":"login.success".*"detail":"passkey"`)
		);
	});

	it('goes only to a page of this site afterwards', async () => {
		const { client } = await person();
		const { authenticator } = await addPasskey(client, 'Laptop');
		for (const target of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
			const { response } = await passkeySignIn(new Client(server.origin), authenticator, {
				redirectTo: target
			});
			expect(await response.json()).toEqual({ redirectTo: '/home' });
		}
	});

	it('stops working once the passkey is removed from the account page', async () => {
		const { client } = await person();
		const { authenticator } = await addPasskey(client, 'Old key');
		const removed = await client.post('/account?/removePasskey', { id: authenticator.id });
		expect(removed.status).toBe(303);
		const { response } = await passkeySignIn(new Client(server.origin), authenticator);
		expect(response.status).toBe(401);
		expect(((await response.json()) as { message: string }).message).toMatch(/not known here/);
	});
});

describe('a passkey as the second step after a password', () => {
	it("offers only the person's own passkeys and finishes the sign-in", async () => {
		const { client, username } = await person();
		const { authenticator } = await addPasskey(client, 'Security key');

		const visitor = new Client(server.origin);
		const password = await logIn(visitor, username, PASSWORD);
		expect(password.headers.get('location')).toBe('/login/two-step');
		expect((await visitor.get('/home')).status).toBe(303);
		const options = await signInOptions(visitor, true);
		expect(options.allowCredentials?.map((item) => item.id)).toEqual([authenticator.id]);
		// A touch is enough after a password: no fingerprint or PIN needed.
		const { response } = await passkeySignIn(visitor, authenticator, {
			secondStep: true,
			answer: { userVerified: false }
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ redirectTo: '/home' });
		expect((await visitor.get('/home')).status).toBe(200);
		// The half-done sign-in is used up.
		const again = await postJson(visitor, '/login/passkey/options', { secondStep: true });
		expect(again.status).toBe(401);
	});

	it("refuses another account's passkey", async () => {
		const owner = await person();
		const other = await person();
		await addPasskey(owner.client, 'Mine');
		const { authenticator: theirs } = await addPasskey(other.client, 'Theirs');

		const visitor = new Client(server.origin);
		await logIn(visitor, owner.username, PASSWORD);
		const { response } = await passkeySignIn(visitor, theirs, { secondStep: true });
		expect(response.status).toBe(401);
		expect(((await response.json()) as { message: string }).message).toMatch(
			/not one of this account's/
		);
		expect((await visitor.get('/home')).status).toBe(303);
	});

	it('asks for the password again when there is no half-done sign-in', async () => {
		const { client } = await person();
		const { authenticator } = await addPasskey(client, 'Key');
		const visitor = new Client(server.origin);
		const options = await postJson(visitor, '/login/passkey/options', { secondStep: true });
		expect(options.status).toBe(401);
		const answer = await postJson(visitor, '/login/passkey', {
			response: authenticator.authenticate('AAAA'),
			secondStep: true
		});
		expect(answer.status).toBe(401);
		expect(((await answer.json()) as { message: string }).message).toMatch(/password again/);
	});
});

describe('when the operator requires a second factor', () => {
	it('lets a new account reach only the setup pages until its passkey is added', async () => {
		const strict = await startServer({ env: { REQUIRE_TWO_STEP: 'everyone' } });
		try {
			const client = new Client(strict.origin);
			expect((await signUp(client, uniqueName(), PASSWORD)).status).toBe(303);
			const before = await client.get('/home');
			expect(before.status).toBe(303);
			expect(before.headers.get('location')).toBe('/account/two-step');
			const { response } = await addPasskey(client, 'Laptop');
			expect(await response.json()).toEqual({ recoveryCodes: true });
			expect((await client.get('/home')).status).toBe(200);
		} finally {
			await strict.stop();
			await removeDir(strict.dataDir);
		}
	});
});
