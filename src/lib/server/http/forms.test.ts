import { describe, expect, it } from 'vitest';
import { invalid, readForm, readTextFields } from './forms';

function form(entries: Array<[string, string | Blob]>): FormData {
	const data = new FormData();
	for (const [name, value] of entries) data.append(name, value);
	return data;
}

const fields = ['username', 'password'] as const;

describe('readTextFields', () => {
	it('reads the named text fields', () => {
		const result = readTextFields(
			form([
				['username', 'alice'],
				['password', ' secret '],
				['extra', 'ignored']
			]),
			fields
		);
		expect(result).toEqual({ values: { username: 'alice', password: ' secret ' }, problem: null });
	});

	it('reads a missing field as an empty string', () => {
		expect(readTextFields(form([['username', 'alice']]), fields)).toEqual({
			values: { username: 'alice', password: '' },
			problem: null
		});
	});

	it('refuses a field sent twice', () => {
		const result = readTextFields(
			form([
				['username', 'alice'],
				['username', 'admin'],
				['password', 'secret']
			]),
			fields
		);
		expect(result.problem).toBe('The field "username" was sent more than once.');
		expect(result.values.password).toBe('secret');
	});

	it('refuses a file where text belongs', () => {
		const result = readTextFields(
			form([
				['username', new File(['alice'], 'name.txt', { type: 'text/plain' })],
				['password', 'secret']
			]),
			fields
		);
		expect(result.problem).toBe('The field "username" must be text, not a file.');
		expect(result.values.username).toBe('');
	});

	it('accepts 10000 characters and refuses more', () => {
		const ok = readTextFields(form([['username', 'x'.repeat(10_000)]]), fields);
		expect(ok.problem).toBeNull();
		expect(ok.values.username).toHaveLength(10_000);
		const tooLong = readTextFields(form([['password', 'x'.repeat(10_001)]]), fields);
		expect(tooLong.problem).toBe('The field "password" is far too long.');
	});

	it('reports the first problem when there are several', () => {
		const result = readTextFields(
			form([
				['username', 'x'.repeat(10_001)],
				['password', 'a'],
				['password', 'b']
			]),
			fields
		);
		expect(result.problem).toBe('The field "username" is far too long.');
	});

	it('refuses a form that could not be read, with every value empty', () => {
		expect(readTextFields(null, fields)).toEqual({
			values: { username: '', password: '' },
			problem: 'The form could not be read. Please try again.'
		});
	});
});

describe('readForm', () => {
	it('reads an url-encoded form body', async () => {
		const request = new Request('http://localhost/login', {
			method: 'POST',
			body: new URLSearchParams({ username: 'alice' })
		});
		const data = await readForm(request);
		expect(data?.get('username')).toBe('alice');
	});

	it('returns null for a body that is not a form', async () => {
		const request = new Request('http://localhost/login', {
			method: 'POST',
			body: '{"username": "alice"}',
			headers: { 'content-type': 'application/json' }
		});
		expect(await readForm(request)).toBeNull();
	});
});

describe('invalid', () => {
	it('fails with 400, a message, field errors and the values to refill', () => {
		const failure = invalid('Check the form.', { username: 'al' }, { username: 'Too short.' });
		expect(failure.status).toBe(400);
		expect(failure.data).toEqual({
			message: 'Check the form.',
			errors: { username: 'Too short.' },
			values: { username: 'al' }
		});
	});

	it('takes another status and defaults to no values or errors', () => {
		const failure = invalid('Too many attempts.', undefined, undefined, 429);
		expect(failure.status).toBe(429);
		expect(failure.data).toEqual({ message: 'Too many attempts.', errors: {}, values: {} });
	});
});
