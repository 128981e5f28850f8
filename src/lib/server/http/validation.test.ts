import { describe, expect, it } from 'vitest';
import {
	fieldErrors,
	normalizeUsername,
	validateConfirmation,
	validateNewPassword,
	validateUsername
} from './validation';

describe('validateUsername', () => {
	it.each([
		['alice', 'alice'],
		['  alice  ', 'alice'],
		['\talice\n', 'alice'],
		['Alice', 'alice'],
		['ALICE_Smith', 'alice_smith'],
		['ＡＢＣ', 'abc'],
		['ｊｏｈｎ．ｄｏｅ', 'john.doe'],
		['\ufb01sh', 'fish'],
		['abc', 'abc'],
		['a'.repeat(32), 'a'.repeat(32)],
		['a.b-c_d0', 'a.b-c_d0'],
		['__proto__', '__proto__'],
		['constructor', 'constructor'],
		['hasOwnProperty', 'hasownproperty']
	])('accepts %j as %j', (raw, clean) => {
		expect(validateUsername(raw)).toEqual({ value: clean });
	});

	it.each([
		['', 'Enter a username.'],
		['   ', 'Enter a username.'],
		['ab', 'Use 3 to 32 characters.'],
		['ＡＢ', 'Use 3 to 32 characters.'],
		['a'.repeat(33), 'Use 3 to 32 characters.'],
		['al ice', 'Use only letters'],
		['al\tice', 'Use only letters'],
		['al\u0000ice', 'Use only letters'],
		['al\u007fice', 'Use only letters'],
		['alice\u200b', 'Use only letters'],
		['al\u00a0ice', 'Use only letters'],
		['alïce', 'Use only letters'],
		['аlice', 'Use only letters'],
		['alice@example.com', 'Use only letters'],
		['al/ice', 'Use only letters'],
		['İstanbul', 'Use only letters']
	])('refuses %j', (raw, message) => {
		const checked = validateUsername(raw);
		expect(checked.value).toBeUndefined();
		expect(checked.error).toContain(message);
	});

	it('gives one spelling for every way of typing a name', () => {
		const spellings = ['Alice', ' alice', 'ALICE ', 'Ａｌｉｃｅ'];
		expect(new Set(spellings.map(normalizeUsername))).toEqual(new Set(['alice']));
	});
});

describe('validateNewPassword', () => {
	it('accepts 8 to 256 code points, exactly as typed', () => {
		expect(validateNewPassword('47291638')).toEqual({ value: '47291638' });
		expect(validateNewPassword(' spaced out ')).toEqual({ value: ' spaced out ' });
		expect(validateNewPassword('x'.repeat(256))).toEqual({ value: 'x'.repeat(256) });
	});

	it('refuses empty, short and long passwords', () => {
		expect(validateNewPassword('')).toEqual({ error: 'Enter a password.' });
		expect(validateNewPassword('1234567')).toEqual({ error: 'Use at least 8 characters.' });
		expect(validateNewPassword('x'.repeat(257))).toEqual({ error: 'Use at most 256 characters.' });
	});

	it('counts an emoji as one character', () => {
		const emoji = '\u{1f600}';
		expect(emoji).toHaveLength(2);
		expect(validateNewPassword(emoji.repeat(4)).error).toBe('Use at least 8 characters.');
		expect(validateNewPassword(emoji.repeat(7)).error).toBe('Use at least 8 characters.');
		expect(validateNewPassword(emoji.repeat(8))).toEqual({ value: emoji.repeat(8) });
		expect(validateNewPassword(emoji.repeat(256))).toEqual({ value: emoji.repeat(256) });
		expect(validateNewPassword(emoji.repeat(257)).error).toBe('Use at most 256 characters.');
	});

	it.each(['12345678', 'password', 'Password1', 'iloveyou', 'QWERTYUIOP', 'letmein1'])(
		'refuses the common password %j',
		(password) => {
			expect(validateNewPassword(password)).toEqual({
				error: 'This is one of the most common passwords. Choose a less guessable one.'
			});
		}
	);

	it('refuses the username as the password, in any case', () => {
		expect(validateNewPassword('Mallory-42', 'mallory-42')).toEqual({
			error: 'Do not use your username as your password.'
		});
		expect(validateNewPassword('mallory-42x', 'mallory-42')).toEqual({ value: 'mallory-42x' });
	});

	it('does not normalise: NFD input comes back as NFD', () => {
		const nfd = 'cafe\u0301-cafe\u0301';
		expect(validateNewPassword(nfd).value).toBe(nfd);
	});
});

describe('validateConfirmation', () => {
	it('accepts an exact repeat', () => {
		expect(validateConfirmation('secret password', 'secret password')).toEqual({
			value: 'secret password'
		});
	});

	it('asks for the confirmation when it is empty', () => {
		expect(validateConfirmation('secret password', '')).toEqual({
			error: 'Enter the password again.'
		});
	});

	it.each([
		['a different password', 'secret password', 'secret passwor'],
		['a different case', 'secret password', 'Secret password'],
		['extra spaces', 'secret password', 'secret password '],
		['another normal form', 'caf\u00e9 password', 'cafe\u0301 password']
	])('refuses %s', (_, password, confirmation) => {
		expect(validateConfirmation(password, confirmation)).toEqual({
			error: 'The passwords do not match.'
		});
	});
});

describe('fieldErrors', () => {
	it('is null when every field is fine', () => {
		expect(fieldErrors({ username: { value: 'alice' }, password: { value: 'x' } })).toBeNull();
	});

	it('collects the message of each field that failed', () => {
		expect(
			fieldErrors({
				username: validateUsername('a'),
				password: validateNewPassword('long enough password'),
				confirmPassword: validateConfirmation('long enough password', '')
			})
		).toEqual({
			username: 'Use 3 to 32 characters.',
			confirmPassword: 'Enter the password again.'
		});
	});
});
