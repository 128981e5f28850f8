import { describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import {
	INCORRECT,
	median,
	NEW_PASSWORD,
	PASSWORD,
	signedInUser,
	signUpAdmin,
	timed,
	uniqueName,
	useOwnServers,
	useSharedServer,
	withoutPerResponseParts
} from '../helpers/security';
import { storedUser } from '../helpers/stored';

const server = useSharedServer();
const ownServer = useOwnServers();

const COMMON = 'This is one of the most common passwords. Choose a less guessable one.';
const SAME_AS_USERNAME = 'Do not use your username as your password.';

/** A name of the same length as `username` that nobody has: the bodies must be comparable. */
const ghostOf = (username: string) => `q${username.slice(1)}`;

describe('user enumeration at login', () => {
	it('answers an unknown user and a wrong password with the same status, page and no cookie', async () => {
		const username = uniqueName('real');
		await signUp(new Client(server().origin), username, PASSWORD);
		const ghost = ghostOf(username);
		expect(ghost).toHaveLength(username.length);

		const wrong = await logIn(new Client(server().origin), username, 'wrong password!');
		const unknown = await logIn(new Client(server().origin), ghost, 'wrong password!');

		expect(wrong.status).toBe(400);
		expect(unknown.status).toBe(wrong.status);
		expect(wrong.headers.getSetCookie()).toEqual([]);
		expect(unknown.headers.getSetCookie()).toEqual([]);
		const wrongPage = withoutPerResponseParts((await wrong.text()).replaceAll(username, 'NAME'));
		const unknownPage = withoutPerResponseParts((await unknown.text()).replaceAll(ghost, 'NAME'));
		expect(wrongPage).toContain(INCORRECT);
		expect(unknownPage).toBe(wrongPage);
		const headerNames = (response: Response) => [...response.headers.keys()].sort();
		expect(headerNames(unknown)).toEqual(headerNames(wrong));
		expect(unknown.headers.get('content-length')).toBe(wrong.headers.get('content-length'));
	});

	it('spends about the same time on an unknown user as on a wrong password', async () => {
		const username = uniqueName('timed');
		await signUp(new Client(server().origin), username, PASSWORD);
		const tryWrong = () => logIn(new Client(server().origin), username, 'wrong password!');
		const tryUnknown = () =>
			logIn(new Client(server().origin), uniqueName('ghost'), 'wrong password!');
		// warm-up: the dummy hash is computed on first use
		await timed(tryWrong);
		await timed(tryUnknown);

		const wrongTimes: number[] = [];
		const unknownTimes: number[] = [];
		for (let attempt = 0; attempt < 8; attempt++) {
			wrongTimes.push(await timed(tryWrong));
			unknownTimes.push(await timed(tryUnknown));
		}
		const ratio = median(unknownTimes) / median(wrongTimes);
		expect(ratio).toBeGreaterThan(0.5);
		expect(ratio).toBeLessThan(2);
	});
});

describe('password rules', () => {
	it.each(['password1', 'iloveyou', 'Password123'])(
		'refuses the common password %j at signup',
		async (password) => {
			const username = uniqueName('common');
			const response = await signUp(new Client(server().origin), username, password);
			expect(response.status).toBe(400);
			expect(await response.text()).toContain(COMMON);
			expect(response.headers.getSetCookie()).toEqual([]);
			expect(await storedUser(server(), username)).toBeUndefined();
		}
	);

	it('refuses the username as the password at signup, in any case', async () => {
		const username = uniqueName('same');
		const response = await signUp(new Client(server().origin), username, username.toUpperCase());
		expect(response.status).toBe(400);
		expect(await response.text()).toContain(SAME_AS_USERNAME);
		expect(await storedUser(server(), username)).toBeUndefined();
	});

	it('refuses a common password as the new password on /account', async () => {
		const { client, username } = await signedInUser(server());
		const response = await client.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: 'iloveyou',
			confirmPassword: 'iloveyou'
		});
		expect(response.status).toBe(400);
		expect(await response.text()).toContain(COMMON);
		expect((await logIn(new Client(server().origin), username, PASSWORD)).status).toBe(303);
	});

	it('fails a 300-character password at login like a wrong password', async () => {
		const username = uniqueName('long');
		await signUp(new Client(server().origin), username, PASSWORD);
		const response = await logIn(new Client(server().origin), username, 'x'.repeat(300));
		expect(response.status).toBe(400);
		expect(await response.text()).toContain(INCORRECT);
		expect(response.headers.getSetCookie()).toEqual([]);
	});

	it('refuses a 300-character password without hashing it', async () => {
		// At most two hashes run at once and the rest wait in line. A login sent behind sixteen
		// queued verifications only overtakes them if it never joins the line.
		const finished: number[] = [];
		const hashed = Array.from({ length: 16 }, () =>
			logIn(new Client(server().origin), uniqueName('h'), 'wrong password!').then(
				async (response) => {
					await response.arrayBuffer();
					finished.push(performance.now());
					return response.status;
				}
			)
		);
		await new Promise((resolve) => setTimeout(resolve, 30));
		const long = await logIn(new Client(server().origin), uniqueName('r'), 'x'.repeat(300));
		await long.arrayBuffer();
		const longFinished = performance.now();
		expect(long.status).toBe(400);
		expect(await Promise.all(hashed)).toEqual(Array.from({ length: 16 }, () => 400));
		const overtaken = finished.filter((time) => time > longFinished).length;
		expect(overtaken).toBeGreaterThanOrEqual(8);
	});

	it('answers a 100 KB password field with a 4xx, not a 5xx', async () => {
		const response = await logIn(new Client(server().origin), 'someone', 'x'.repeat(100_000));
		expect(response.status).toBeGreaterThanOrEqual(400);
		expect(response.status).toBeLessThan(500);
		expect(response.headers.getSetCookie()).toEqual([]);
		const again = await new Client(server().origin).get('/login');
		expect(again.status).toBe(200);
	});
});

describe('re-authentication on /account', () => {
	// The current-password check is a password oracle for anyone holding a stolen session
	// cookie; login throttles guesses, the account page does not.
	it('limits guesses of the current password like login guesses', async () => {
		const limited = await ownServer({ env: { LOGIN_MAX_FAILURES: '3' } });
		await signUpAdmin(limited);
		const { client } = await signedInUser(limited);
		for (let guess = 0; guess < 3; guess++) {
			const response = await client.post('/account?/changePassword', {
				currentPassword: `guess number ${guess}`,
				newPassword: NEW_PASSWORD,
				confirmPassword: NEW_PASSWORD
			});
			expect(response.status).toBe(400);
		}
		const right = await client.post('/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD
		});
		expect(right.status).toBe(429);
	});
});
