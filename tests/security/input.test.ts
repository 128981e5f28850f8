import { beforeAll, describe, expect, it } from 'vitest';
import { Client, logIn, signUp } from '../helpers/client';
import { startServer } from '../helpers/server';
import {
	INCORRECT,
	PASSWORD,
	postChunked,
	signedInUser,
	signUpAdmin,
	stillServing,
	uniqueName,
	useOwnServers,
	useSharedServer
} from '../helpers/security';
import { readStored, storedUser, storedUsers } from '../helpers/stored';

const server = useSharedServer();
const ownServer = useOwnServers();

beforeAll(async () => {
	await signUpAdmin(server());
});

const FORM = 'application/x-www-form-urlencoded';

/** A form body exactly as given, bytes and all: what a crafted client can send. */
async function postRaw(path: string, body: Uint8Array | string, contentType = FORM) {
	const client = new Client(server().origin);
	return client.request(path, {
		method: 'POST',
		headers: { origin: server().origin, 'content-type': contentType },
		body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)])
	});
}

const bytes = (...parts: (string | Uint8Array | number[])[]) =>
	Buffer.concat(
		parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part)))
	);

/** A refused request: a 4xx, and the server goes on serving. */
async function expectRefused(response: Response): Promise<string> {
	const text = await response.text();
	expect(response.status).toBeGreaterThanOrEqual(400);
	expect(response.status).toBeLessThan(500);
	expect(response.headers.getSetCookie().filter((line) => /session=[^;]/.test(line))).toEqual([]);
	expect(await stillServing(server())).toBe(true);
	return text;
}

describe('malformed and oversized form input', () => {
	it('refuses a repeated field', async () => {
		const username = uniqueName('twice');
		const body = new URLSearchParams([
			['username', username],
			['username', `${username}b`],
			['password', PASSWORD],
			['confirmPassword', PASSWORD]
		]);
		const text = await expectRefused(await new Client(server().origin).post('/signup', body));
		expect(text).toContain('sent more than once');
		expect(await storedUser(server(), username)).toBeUndefined();
	});

	it('refuses a file where text is expected', async () => {
		const form = new FormData();
		form.append('username', new Blob(['fileuser']), 'username.txt');
		form.append('password', PASSWORD);
		form.append('confirmPassword', PASSWORD);
		const text = await expectRefused(await new Client(server().origin).post('/signup', form));
		expect(text).toContain('must be text, not a file');
		expect(await storedUser(server(), 'fileuser')).toBeUndefined();
	});

	it.each([
		['NUL', 'ab\u0000cd'],
		['a newline', 'ab\ncd'],
		['U+202E (right-to-left override)', 'ab\u202ecd'],
		['U+200B (zero-width space)', 'ab\u200bcd'],
		['U+0085 (next line)', 'ab\u0085cd']
	])('refuses a username containing %s', async (_, username) => {
		await expectRefused(await signUp(new Client(server().origin), username, PASSWORD));
		const names = (await storedUsers(server())).map((user) => user.username);
		expect(names.filter((name) => name.startsWith('ab'))).toEqual([]);
	});

	it('refuses a 20,000-character field', async () => {
		const text = await expectRefused(
			await signUp(new Client(server().origin), 'x'.repeat(20_000), PASSWORD)
		);
		expect(text).toContain('far too long');
	});

	it('refuses a body over 64 KB with 413', async () => {
		const response = await signUp(new Client(server().origin), 'x'.repeat(70_000), PASSWORD);
		expect(response.status).toBe(413);
		await expectRefused(response);
	});

	// The hook only looks at Content-Length, so a chunked body of any size up to adapter-node's
	// BODY_SIZE_LIMIT (512 KB) is read in full before it is refused.
	it('refuses a chunked body over 64 KB that declares no length with 413', async () => {
		const response = await postChunked(
			server().origin,
			'/login',
			(function* () {
				yield 'username=someone&password=';
				for (let chunk = 0; chunk < 30; chunk++) yield 'x'.repeat(10_000);
			})()
		);
		expect(response.status).toBe(413);
	});

	it('answers a JSON body with 415 or 400, never 500', async () => {
		const response = await postRaw(
			'/login',
			JSON.stringify({ username: 'someone', password: PASSWORD }),
			'application/json'
		);
		expect([400, 415]).toContain(response.status);
		await expectRefused(response);
	});

	it('refuses a username with invalid UTF-8 bytes', async () => {
		const body = bytes('username=ab', [0xff, 0xfe, 0xc0], `cd&password=${PASSWORD}`);
		await expectRefused(await postRaw('/signup', bytes(body, `&confirmPassword=${PASSWORD}`)));
		await expectRefused(await postRaw('/login', body));
	});

	it('refuses a username with an unpaired surrogate', async () => {
		const encoded = `username=ab%ED%A0%80cd&password=${encodeURIComponent(PASSWORD)}`;
		const text = await expectRefused(
			await postRaw('/signup', `${encoded}&confirmPassword=${encodeURIComponent(PASSWORD)}`)
		);
		expect(text).toContain('Use only letters a-z, digits and the characters _ . -');
		expect(await expectRefused(await postRaw('/login', encoded))).toContain(INCORRECT);
	});

	it('refuses a multipart body that is not multipart', async () => {
		await expectRefused(
			await postRaw('/signup', 'not a multipart body', 'multipart/form-data; boundary=xyz')
		);
	});

	it.each([
		...['1e309', '-1', '151', '0x10', '1.5', 'NaN', 'Infinity'].map((age) => [
			JSON.stringify(age),
			age
		]),
		['a 5,000-digit number', '9'.repeat(5000)]
	])('refuses the age %s', async (_, age) => {
		const { client, username } = await signedInUser(server());
		const before = await storedUser(server(), username);
		const response = await client.post('/profile/edit?/save', { fullName: 'A', bio: '', age });
		expect(response.status).toBe(400);
		expect(await response.text()).toContain('Enter a whole number from 0 to 150');
		expect(await storedUser(server(), username)).toEqual(before);
		expect(await stillServing(server())).toBe(true);
	});
});

describe('mass assignment', () => {
	it('changes only the profile fields, whatever else the profile form sends', async () => {
		const { client, username } = await signedInUser(server());
		const before = await storedUser(server(), username);
		expect(before?.role).toBe('user');
		const response = await client.post('/profile/edit?/save', {
			fullName: 'Mallory Example',
			bio: 'Just a bio',
			age: '42',
			role: 'admin',
			id: 'x',
			username: 'evil',
			passwordHash: 'x',
			createdAt: '2000-01-01T00:00:00.000Z',
			passwordReset: '{"secretHash":"00","expiresAt":"2999-01-01T00:00:00.000Z"}'
		});
		expect(response.status).toBe(303);
		const after = await storedUser(server(), username);
		expect(after).toEqual({ ...before, fullName: 'Mallory Example', bio: 'Just a bio', age: 42 });
		expect(await storedUser(server(), 'evil')).toBeUndefined();
		expect((await client.get('/admin')).status).toBe(403);
	});

	it('makes a second account an ordinary user even when the signup asks for admin', async () => {
		const username = uniqueName('climber');
		const client = new Client(server().origin);
		const response = await client.post('/signup', {
			username,
			password: PASSWORD,
			confirmPassword: PASSWORD,
			role: 'admin',
			id: 'chosen-id',
			passwordHash: 'x'
		});
		expect(response.status).toBe(303);
		const stored = await storedUser(server(), username);
		expect(stored?.role).toBe('user');
		expect(stored?.id).not.toBe('chosen-id');
		expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
		expect((await client.get('/admin')).status).toBe(403);
	});
});

describe('usernames that are names of object properties', () => {
	const NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'];

	it.each(NAMES)('lets %j sign up and log in like any name', async (name) => {
		const stored = name.toLowerCase();
		// a failed login first: the name becomes a rate-limit key as well
		expect((await logIn(new Client(server().origin), name, 'not the password')).status).toBe(400);
		expect((await signUp(new Client(server().origin), name, PASSWORD)).status).toBe(303);
		const client = new Client(server().origin);
		expect((await logIn(client, name, PASSWORD)).status).toBe(303);
		expect(await (await client.get('/home')).text()).toContain(`Welcome, ${stored}`);
		expect((await storedUser(server(), stored))?.role).toBe('user');
	});

	it('leaves other people, the files and a restart unaffected', async () => {
		const own = await ownServer();
		await signUpAdmin(own);
		const bystander = uniqueName('bystander');
		await signUp(new Client(own.origin), bystander, PASSWORD);
		for (const name of NAMES) {
			await logIn(new Client(own.origin), name, 'not the password');
			expect((await signUp(new Client(own.origin), name, PASSWORD)).status).toBe(303);
		}
		expect((await new Client(own.origin).get('/')).status).toBe(200);
		expect((await logIn(new Client(own.origin), bystander, PASSWORD)).status).toBe(303);

		const names = (await storedUsers(own)).map((user) => user.username).sort();
		expect(names).toEqual(
			['theadmin', bystander, ...NAMES.map((name) => name.toLowerCase())].sort()
		);
		const { limits } = await readStored(own);
		expect(limits.map((limit) => limit.id)).toContain('login-user:__proto__');

		expect(await own.stop()).toBe(0);
		const again = await startServer({ store: own.store });
		try {
			expect((await logIn(new Client(again.origin), bystander, PASSWORD)).status).toBe(303);
			expect((await logIn(new Client(again.origin), '__proto__', PASSWORD)).status).toBe(303);
		} finally {
			await again.stop();
		}
	});
});
