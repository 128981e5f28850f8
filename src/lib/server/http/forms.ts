import { fail, type ActionFailure } from '@sveltejs/kit';

/** Far above any legitimate field; anything longer is refused before it is looked at. */
const MAX_FIELD_LENGTH = 10_000;

/** Reads a form body; null when the body is not a form (a crafted request, never a browser). */
export async function readForm(request: Request): Promise<FormData | null> {
	try {
		return await request.formData();
	} catch {
		return null;
	}
}

/**
 * Reads text fields, absent ones as ''. A file, a repeated field or an absurdly long value
 * means the request did not come from our form, and is refused as a whole.
 */
export function readTextFields<K extends string>(
	form: FormData | null,
	names: readonly K[]
): { values: Record<K, string>; problem: string | null } {
	const values = {} as Record<K, string>;
	let problem: string | null = form ? null : 'The form could not be read. Please try again.';
	for (const name of names) {
		const all = form?.getAll(name) ?? [];
		const [first] = all;
		values[name] = typeof first === 'string' ? first : '';
		if (all.length > 1) problem ??= `The field "${name}" was sent more than once.`;
		else if (first !== undefined && typeof first !== 'string') {
			problem ??= `The field "${name}" must be text, not a file.`;
		} else if (values[name].length > MAX_FIELD_LENGTH) {
			problem ??= `The field "${name}" is far too long.`;
		}
	}
	return { values, problem };
}

export type FieldErrors = Record<string, string | undefined>;

export interface InvalidForm {
	/** On a page with several forms: which one this is about. */
	form?: string;
	message: string;
	errors: FieldErrors;
	/** What the person typed, to put back in the form. Never a password. */
	values: Record<string, string>;
}

/** The one shape of a refused form: a message, per-field errors and the values to refill. */
export function invalid(
	message: string,
	values: Record<string, string> = {},
	errors: FieldErrors = {},
	status = 400
): ActionFailure<InvalidForm> {
	return fail(status, { message, errors, values });
}

/** `invalid()` for one of several forms on a page: the page shows it next to that form only. */
export function invalidFor(
	form: string,
	message: string,
	values: Record<string, string> = {},
	errors: FieldErrors = {},
	status = 400
): ActionFailure<InvalidForm> {
	return fail(status, { form, message, errors, values });
}
