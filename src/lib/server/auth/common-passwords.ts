import { dictionary } from '@zxcvbn-ts/language-common';

let common: Set<string> | null = null;

/**
 * The 49,000 most used passwords (zxcvbn-ts's ranked list), compared without case: the first
 * thing an attacker tries, so nobody may choose one.
 */
export function isCommonPassword(password: string): boolean {
	common ??= new Set(
		(dictionary['passwords-common'] as string[]).map((entry) => entry.toLowerCase())
	);
	return common.has(password.toLowerCase());
}
