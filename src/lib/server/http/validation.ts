import {
	AGE_MAX,
	BIO_MAX,
	FULL_NAME_MAX,
	PASSWORD_MAX,
	PASSWORD_MIN,
	USERNAME_MAX,
	USERNAME_MIN
} from '$lib/limits';
import { isCommonPassword } from '../auth/common-passwords';

/** Every field check returns the clean value or a message for the person who typed it. */
export type Checked<T> = { value: T; error?: undefined } | { value?: undefined; error: string };

/** NFKC folds look-alikes (full-width letters, ligatures) before the character check. */
export function normalizeUsername(raw: string): string {
	return raw.trim().normalize('NFKC').toLowerCase();
}

export function validateUsername(raw: string): Checked<string> {
	const username = normalizeUsername(raw);
	if (username === '') return { error: 'Enter a username.' };
	if (!/^[a-z0-9_.-]*$/.test(username)) {
		return { error: 'Use only letters a-z, digits and the characters _ . -' };
	}
	if (username.length < USERNAME_MIN || username.length > USERNAME_MAX) {
		return { error: `Use ${USERNAME_MIN} to ${USERNAME_MAX} characters.` };
	}
	return { value: username };
}

/**
 * Passwords are used exactly as typed; length counts code points, not UTF-16 units. No
 * composition rules (NIST SP 800-63B): length, not a well-known password, not the username.
 */
export function validateNewPassword(password: string, username?: string): Checked<string> {
	const length = [...password].length;
	if (length === 0) return { error: 'Enter a password.' };
	if (length < PASSWORD_MIN) return { error: `Use at least ${PASSWORD_MIN} characters.` };
	if (length > PASSWORD_MAX) return { error: `Use at most ${PASSWORD_MAX} characters.` };
	if (username !== undefined && normalizeUsername(password) === username) {
		return { error: 'Do not use your username as your password.' };
	}
	if (isCommonPassword(password)) {
		return { error: 'This is one of the most common passwords. Choose a less guessable one.' };
	}
	return { value: password };
}

export function validateConfirmation(password: string, confirmation: string): Checked<string> {
	if (confirmation === '') return { error: 'Enter the password again.' };
	if (password !== confirmation) return { error: 'The passwords do not match.' };
	return { value: confirmation };
}

const codePoints = (text: string) => [...text].length;

/** Control characters (other than line breaks and tabs where allowed) have no place in profile text. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_BUT_NEWLINE = /[^\P{Cc}\n\t]|[\u2028\u2029]/u;

export function validateFullName(raw: string): Checked<string> {
	const fullName = raw.trim();
	if (CONTROL.test(fullName)) return { error: 'Use a name without control characters.' };
	if (codePoints(fullName) > FULL_NAME_MAX) {
		return { error: `Use at most ${FULL_NAME_MAX} characters.` };
	}
	return { value: fullName };
}

export function validateBio(raw: string): Checked<string> {
	const bio = raw.replace(/\r\n?/g, '\n').trim();
	if (CONTROL_BUT_NEWLINE.test(bio)) return { error: 'Remove the control characters.' };
	if (codePoints(bio) > BIO_MAX) return { error: `Use at most ${BIO_MAX} characters.` };
	return { value: bio };
}

/** Optional: an empty field clears the age. */
export function validateAge(raw: string): Checked<number | null> {
	const age = raw.trim();
	if (age === '') return { value: null };
	if (!/^\d{1,3}$/.test(age) || Number(age) > AGE_MAX) {
		return { error: `Enter a whole number from 0 to ${AGE_MAX}, or leave it empty.` };
	}
	return { value: Number(age) };
}

/** The field messages of a form, or null when every field is fine. */
export function fieldErrors<K extends string>(
	checks: Record<K, Checked<unknown>>
): Partial<Record<K, string>> | null {
	const errors: Partial<Record<K, string>> = {};
	let any = false;
	for (const name in checks) {
		const error = checks[name].error;
		if (error) {
			errors[name] = error;
			any = true;
		}
	}
	return any ? errors : null;
}
