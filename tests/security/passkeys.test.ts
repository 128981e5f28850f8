import { describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import {
	addPasskey,
	passkeySignIn,
	postJson,
	registrationOptions,
	seedChallenge,
	signInOptions,
	storedChallenges,
	storedPasskeys
} from '../helpers/passkeys';
import {
	EVIL_ORIGIN,
	PASSWORD,
	signUpAdmin,
	uniqueName,
	useOwnServers,
	useSharedServer
} from '../helpers/security';
import { startServer, type RunningServer } from '../helpers/server';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { auditText, storedSessions, storedUser } from '../helpers/stored';

/*
 * What a passkey must never allow: adding one to someone else's account, using a challenge twice
 * or late, signing in with a passkey nobody registered, a copied answer, or one from another
 * site, and a passkey alone without the device checking who holds it.
 */

const shared = useSharedServer({ env: { SIGNUP_MAX_PER_IP: '1000' } });
const ownServer = useOwnServers();

const messageOf = async (response: Response) =>
	((await response.json()) as { message: string }).message;

async function person(server: RunningServer = shared()) {
	const username = uniqueName('pk');
	const client = new Client(server.origin);
	expect((await signUp(client, username, PASSWORD)).status).toBe(303);
	const id = (await storedUser(server, username))?.id ?? '';
	return { username, client, id };
}

/** Sessions of a person, from the store. */
const sessionsOf = async (server: RunningServer, userId: string) =>
	(await storedSessions(server)).filter((session) => session.userId === userId);

describe('adding a passkey', () => {
	it('needs a session: 401 and no challenge kept', async () => {
		const server = shared();
		const before = await storedChallenges(server);
		const visitor = new Client(server.origin);
		const options = await postJson(visitor, '/account/two-step/passkeys/options', {});
		expect(options.status).toBe(401);
		expect(await messageOf(options)).toBe('Please sign in again.');
		const add = await postJson(visitor, '/account/two-step/passkeys', {
			name: 'Sneaky',
			response: new SoftAuthenticator(server.origin).register({ challenge: 'AAAA' })
		});
		expect(add.status).toBe(401);
		expect(await storedChallenges(server)).toBe(before);
	});

	it('refuses requests from another site, or with no Origin at all, even with a session', async () => {
		const { client, id } = await person();
		for (const origin of [EVIL_ORIGIN, null]) {
			const options = await postJson(client, '/account/two-step/passkeys/options', {}, origin);
			expect(options.status).toBe(403);
			const add = await postJson(
				client,
				'/account/two-step/passkeys',
				{ name: 'x', response: {} },
				origin
			);
			expect(add.status).toBe(403);
		}
		expect(await storedPasskeys(shared(), id)).toEqual([]);
	});

	it("cannot use another person's challenge, nor one answered on another site", async () => {
		const alice = await person();
		const mallory = await person();
		const { challenge } = await registrationOptions(alice.client);
		const stolen = await postJson(mallory.client, '/account/two-step/passkeys', {
			name: 'Stolen',
			response: new SoftAuthenticator(shared().origin).register({ challenge })
		});
		expect(stolen.status).toBe(400);
		expect(await messageOf(stolen)).toMatch(/took too long/);

		const phished = await addPasskey(alice.client, 'Phished', undefined, {
			origin: EVIL_ORIGIN
		});
		expect(phished.response.status).toBe(400);
		expect(await messageOf(phished.response)).toMatch(/could not be checked/);
		expect(await storedPasskeys(shared(), alice.id)).toEqual([]);
		expect(await storedPasskeys(shared(), mallory.id)).toEqual([]);
	});

	it('uses each challenge once', async () => {
		const { client, id } = await person();
		const options = await registrationOptions(client);
		const authenticator = new SoftAuthenticator(shared().origin);
		const answer = authenticator.register(options);
		const first = await postJson(client, '/account/two-step/passkeys', {
			name: 'A',
			response: answer
		});
		expect(first.status).toBe(200);
		const replay = await postJson(client, '/account/two-step/passkeys', {
			name: 'B',
			response: new SoftAuthenticator(shared().origin).register(options)
		});
		expect(replay.status).toBe(400);
		expect(await messageOf(replay)).toMatch(/took too long/);
		expect((await storedPasskeys(shared(), id)).map((passkey) => passkey.name)).toEqual(['A']);
	});

	it('refuses a body that is not JSON, or not a passkey', async () => {
		const { client } = await person();
		const notJson = await client.request('/account/two-step/passkeys', {
			method: 'POST',
			headers: { origin: client.origin, accept: 'application/json' },
			body: 'name=x'
		});
		expect(notJson.status).toBe(400);
		for (const response of [null, 'x', { id: 'a', type: 'public-key', response: {} }]) {
			const refused = await postJson(client, '/account/two-step/passkeys', {
				name: 'x',
				response
			});
			expect(refused.status).toBe(400);
			expect(await messageOf(refused)).toBe('That is not a passkey.');
		}
	});
});

describe('signing in with a passkey', () => {
	it('refuses a passkey nobody registered, and says so in the audit trail', async () => {
		const server = shared();
		const visitor = new Client(server.origin);
		const { response } = await passkeySignIn(visitor, new SoftAuthenticator(server.origin));
		expect(response.status).toBe(401);
		expect(await messageOf(response)).toMatch(/not known here/);
		expect(visitor.cookies.has('session')).toBe(false);
		expect(await auditText(server)).toMatch(/"action":"login.passkey-refused".*"unknown passkey"/);
	});

	it('refuses a passkey alone when the device did not verify the person', async () => {
		const { client, id, username } = await person();
		const { authenticator } = await addPasskey(client, 'Key without PIN');
		const before = (await sessionsOf(shared(), id)).length;
		const visitor = new Client(shared().origin);
		const { response } = await passkeySignIn(visitor, authenticator, {
			answer: { userVerified: false }
		});
		expect(response.status).toBe(401);
		expect(await messageOf(response)).toMatch(/did not check that it is you/);
		expect(visitor.cookies.has('session')).toBe(false);
		expect(await sessionsOf(shared(), id)).toHaveLength(before);
		expect(await auditText(shared())).toContain(
			`"actor":"${username}","action":"login.passkey-refused"`
		);
	});

	it('uses each challenge once: the same answer again makes no second session', async () => {
		const { client, id } = await person();
		const { authenticator } = await addPasskey(client, 'Laptop');
		const visitor = new Client(shared().origin);
		const { response, answer } = await passkeySignIn(visitor, authenticator);
		expect(response.status).toBe(200);
		const sessions = (await sessionsOf(shared(), id)).length;

		const attacker = new Client(shared().origin);
		const replay = await postJson(attacker, '/login/passkey', { response: answer });
		expect(replay.status).toBe(401);
		expect(await messageOf(replay)).toMatch(/took too long/);
		expect(attacker.cookies.has('session')).toBe(false);
		expect(await sessionsOf(shared(), id)).toHaveLength(sessions);
	});

	it('refuses an answer from another site, a forged signature, or a challenge made for adding a passkey', async () => {
		const { client } = await person();
		const { authenticator } = await addPasskey(client, 'Laptop');
		const phished = await passkeySignIn(new Client(shared().origin), authenticator, {
			answer: { origin: EVIL_ORIGIN }
		});
		expect(phished.response.status).toBe(401);
		expect(await messageOf(phished.response)).toMatch(/could not be checked/);

		const { challenge } = await signInOptions(new Client(shared().origin));
		const forged = new SoftAuthenticator(shared().origin).authenticate(challenge);
		const honest = authenticator.authenticate(challenge);
		const mixed = {
			...honest,
			response: { ...honest.response, signature: forged.response.signature }
		};
		const refused = await postJson(new Client(shared().origin), '/login/passkey', {
			response: mixed
		});
		expect(refused.status).toBe(401);

		const registration = await registrationOptions(client);
		const wrongPurpose = await postJson(new Client(shared().origin), '/login/passkey', {
			response: authenticator.authenticate(registration.challenge)
		});
		expect(wrongPurpose.status).toBe(401);
		expect(await messageOf(wrongPurpose)).toMatch(/took too long/);
	});

	it('refuses requests from another site', async () => {
		const server = shared();
		const visitor = new Client(server.origin);
		const options = await postJson(visitor, '/login/passkey/options', {}, EVIL_ORIGIN);
		expect(options.status).toBe(403);
		const answer = await postJson(visitor, '/login/passkey', { response: {} }, EVIL_ORIGIN);
		expect(answer.status).toBe(403);
	});

	it('refuses an expired challenge (and takes a seeded one that is still good)', async () => {
		const first = await ownServer();
		await signUpAdmin(first);
		const { client } = await person(first);
		const { authenticator } = await addPasskey(client, 'Laptop');
		expect(await first.stop()).toBe(0);
		const seeded = (fill: number, expiresIn: number) => {
			const id = Buffer.alloc(32, fill).toString('base64url');
			const expiresAt = new Date(Date.now() + expiresIn).toISOString();
			return seedChallenge(first, { id, purpose: 'sign-in', userId: '', expiresAt }).then(() => id);
		};
		const expired = await seeded(7, -1000);
		const good = await seeded(8, 60_000);

		const second = await startServer({ store: first.store });
		try {
			// A passkey belongs to its host, whatever the port: the new origin is as good.
			const answer = (challenge: string) => ({
				response: authenticator.authenticate(challenge, { origin: second.origin })
			});
			const visitor = new Client(second.origin);
			const late = await postJson(visitor, '/login/passkey', answer(expired));
			expect(late.status).toBe(401);
			expect(await messageOf(late)).toMatch(/took too long/);
			expect(visitor.cookies.has('session')).toBe(false);
			const inTime = await postJson(visitor, '/login/passkey', answer(good));
			expect(inTime.status).toBe(200);
			expect(visitor.cookies.has('session')).toBe(true);
		} finally {
			await second.stop();
		}
	});

	it('counts refused passkeys against the address like wrong passwords: then 429 with Retry-After', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES_PER_IP: '3' } });
		await signUpAdmin(server);
		const { client } = await person(server);
		const { authenticator } = await addPasskey(client, 'Laptop');
		for (let attempt = 0; attempt < 3; attempt++) {
			const { response } = await passkeySignIn(
				new Client(server.origin),
				new SoftAuthenticator(server.origin)
			);
			expect(response.status).toBe(401);
		}
		const { response } = await passkeySignIn(new Client(server.origin), authenticator);
		expect(response.status).toBe(429);
		expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await messageOf(response)).toMatch(/Too many attempts/);
		// The password form shares the address's count.
		expect((await logIn(new Client(server.origin), 'theadmin', PASSWORD)).status).toBe(429);
	});

	it('lets a right passkey through without counting it', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES_PER_IP: '2' } });
		await signUpAdmin(server);
		const { client } = await person(server);
		const { authenticator } = await addPasskey(client, 'Laptop');
		for (let attempt = 0; attempt < 4; attempt++) {
			const { response } = await passkeySignIn(new Client(server.origin), authenticator);
			expect(response.status).toBe(200);
		}
	});
});
