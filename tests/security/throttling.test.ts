import { describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer } from '../helpers/server';
import { INCORRECT, PASSWORD, signUpAdmin, uniqueName, useOwnServers } from '../helpers/security';
import { storedUser } from '../helpers/stored';

const ownServer = useOwnServers();

const TOO_MANY = /Too many attempts\. Please try again in \d+ (seconds|minutes)\./;

/** Seconds the response asks to wait, or NaN when it does not say. */
const retryAfter = (response: Response) => Number(response.headers.get('retry-after') ?? NaN);

/** A fresh address on every request: what an attacker would put in X-Forwarded-For. */
const forgedAddress = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });

async function failLogins(origin: string, username: string, count: number): Promise<void> {
	for (let attempt = 0; attempt < count; attempt++) {
		const response = await logIn(new Client(origin), username, `wrong guess ${attempt}`);
		expect(response.status).toBe(400);
	}
}

describe('failed logins for one username', () => {
	it('refuses the next attempt, even with the right password, with 429 and Retry-After', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES: '3' } });
		await signUpAdmin(server);
		const username = uniqueName('victim');
		await signUp(new Client(server.origin), username, PASSWORD);
		await failLogins(server.origin, username, 3);

		const client = new Client(server.origin);
		const right = await logIn(client, username, PASSWORD);
		expect(right.status).toBe(429);
		expect(retryAfter(right)).toBeGreaterThan(0);
		expect(retryAfter(right)).toBeLessThanOrEqual(900);
		expect(await right.text()).toMatch(TOO_MANY);
		expect(right.headers.getSetCookie()).toEqual([]);
		expect(client.cookies.size).toBe(0);
	});

	it('leaves another username unaffected', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES: '3' } });
		await signUpAdmin(server);
		const victim = uniqueName('victim');
		const bystander = uniqueName('bystander');
		await signUp(new Client(server.origin), victim, PASSWORD);
		await signUp(new Client(server.origin), bystander, PASSWORD);
		await failLogins(server.origin, victim, 3);

		expect((await logIn(new Client(server.origin), victim, PASSWORD)).status).toBe(429);
		const other = await logIn(new Client(server.origin), bystander, PASSWORD);
		expect(other.status).toBe(303);
		expect(other.headers.get('location')).toBe('/home');
	});

	it('keeps the limit across a restart of the server on the same data directory', async () => {
		const env = { LOGIN_MAX_FAILURES: '3' };
		const first = await ownServer({ env });
		await signUpAdmin(first);
		const username = uniqueName('victim');
		await signUp(new Client(first.origin), username, PASSWORD);
		await failLogins(first.origin, username, 3);
		expect(await first.stop()).toBe(0);

		const second = await startServer({ env, store: first.store });
		try {
			const right = await logIn(new Client(second.origin), username, PASSWORD);
			expect(right.status).toBe(429);
			expect(retryAfter(right)).toBeGreaterThan(0);
			expect(right.headers.getSetCookie()).toEqual([]);
		} finally {
			await second.stop();
		}
	});

	// The limit is checked before the (slow) password verification and the failure recorded
	// after it, so guesses sent at the same time all pass the check.
	it('limits guesses sent all at once as well as guesses sent one by one', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES: '3' } });
		await signUpAdmin(server);
		const username = uniqueName('victim');
		await signUp(new Client(server.origin), username, PASSWORD);

		const guesses = Array.from({ length: 12 }, (_, n) =>
			logIn(new Client(server.origin), username, `parallel guess ${n}`)
		);
		const statuses = (await Promise.all(guesses)).map((response) => response.status);
		expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(3);
	});
});

describe('behind a proxy (ADDRESS_HEADER)', () => {
	it('uses the connection address when the header is missing, never answering 500', async () => {
		const server = await ownServer({
			env: { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1', LOGIN_MAX_FAILURES_PER_IP: '2' }
		});
		const login = await logIn(new Client(server.origin), 'nobody', 'wrong password here');
		expect(login.status).toBe(400);
		expect(await login.text()).toContain(INCORRECT);
		const signup = await signUp(new Client(server.origin), uniqueName(), PASSWORD);
		expect(signup.status).toBe(303);
		expect(server.output()).toContain('ADDRESS_HEADER');
		// still limited, by the address the connection really comes from
		await logIn(new Client(server.origin), 'nobody2', 'wrong password here');
		expect((await logIn(new Client(server.origin), 'nobody3', 'wrong')).status).toBe(429);
		// with the header, the proxy's word counts
		const proxied = await logIn(new Client(server.origin), 'nobody4', 'wrong', {});
		expect(proxied.status).toBe(429);
		const viaProxy = await new Client(server.origin).post(
			'/login',
			{ username: 'nobody5', password: 'wrong' },
			{ headers: { 'x-forwarded-for': '198.51.100.7' } }
		);
		expect(viaProxy.status).toBe(400);
	});
});

describe('failed logins from one address', () => {
	it('refuses a sixth username after five failures spread over five usernames', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES_PER_IP: '5' } });
		await signUpAdmin(server);
		const target = uniqueName('target');
		await signUp(new Client(server.origin), target, PASSWORD);
		for (let n = 0; n < 5; n++) {
			const response = await logIn(new Client(server.origin), uniqueName('spray'), 'wrong guess!');
			expect(response.status).toBe(400);
			expect(await response.text()).toContain(INCORRECT);
		}
		const sixth = await logIn(new Client(server.origin), target, PASSWORD);
		expect(sixth.status).toBe(429);
		expect(retryAfter(sixth)).toBeGreaterThan(0);
		expect(sixth.headers.getSetCookie()).toEqual([]);
	});

	it('is not bypassed by a forged X-Forwarded-For header', async () => {
		const server = await ownServer({ env: { LOGIN_MAX_FAILURES_PER_IP: '5' } });
		await signUpAdmin(server);
		const target = uniqueName('target');
		await signUp(new Client(server.origin), target, PASSWORD);
		for (let n = 0; n < 5; n++) {
			const response = await new Client(server.origin).post(
				'/login',
				{ username: uniqueName('spray'), password: 'wrong guess!' },
				{ headers: forgedAddress(n) }
			);
			expect(response.status).toBe(400);
		}
		const sixth = await new Client(server.origin).post(
			'/login',
			{ username: target, password: PASSWORD },
			{ headers: forgedAddress(99) }
		);
		expect(sixth.status).toBe(429);
		expect(sixth.headers.getSetCookie()).toEqual([]);
	});
});

describe('signups from one address', () => {
	it('refuses the third signup with 429 and creates no account', async () => {
		const server = await ownServer({ env: { SIGNUP_MAX_PER_IP: '2' } });
		const client = new Client(server.origin);
		expect((await signUp(new Client(server.origin), uniqueName(), PASSWORD)).status).toBe(303);
		expect((await signUp(new Client(server.origin), uniqueName(), PASSWORD)).status).toBe(303);
		const third = uniqueName('third');
		const response = await signUp(client, third, PASSWORD);
		expect(response.status).toBe(429);
		expect(retryAfter(response)).toBeGreaterThan(0);
		expect(await response.text()).toMatch(TOO_MANY);
		expect(client.cookies.size).toBe(0);
		expect(await storedUser(server, third)).toBeUndefined();
	});

	it('is not bypassed by a forged X-Forwarded-For header', async () => {
		const server = await ownServer({ env: { SIGNUP_MAX_PER_IP: '2' } });
		const statuses: number[] = [];
		for (let n = 0; n < 3; n++) {
			const response = await new Client(server.origin).post(
				'/signup',
				{ username: uniqueName(), password: PASSWORD, confirmPassword: PASSWORD },
				{ headers: forgedAddress(n) }
			);
			statuses.push(response.status);
		}
		expect(statuses).toEqual([303, 303, 429]);
	});

	it('counts a signup refused for a taken name, so usernames cannot be harvested quickly', async () => {
		const server = await ownServer({ env: { SIGNUP_MAX_PER_IP: '3' } });
		await signUpAdmin(server, 'taken');
		const answers: number[] = [];
		for (let n = 0; n < 4; n++) {
			answers.push((await signUp(new Client(server.origin), 'taken', PASSWORD)).status);
		}
		// one real signup, two answers "that name is taken", then no more answers at all
		expect(answers).toEqual([400, 400, 429, 429]);
	});

	// Same shape as the login race: the check runs before the hash, the count after it.
	it('limits signups sent all at once as well as signups sent one by one', async () => {
		const server = await ownServer({ env: { SIGNUP_MAX_PER_IP: '2' } });
		const signups = Array.from({ length: 8 }, () =>
			signUp(new Client(server.origin), uniqueName('burst'), PASSWORD)
		);
		const statuses = (await Promise.all(signups)).map((response) => response.status);
		expect(statuses.filter((status) => status === 303).length).toBeLessThanOrEqual(2);
	});
});
