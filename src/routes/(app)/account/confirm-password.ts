import type { RequestEvent } from '@sveltejs/kit';
import { checkOwnPassword } from '$lib/server/auth/login';
import { invalidFor } from '$lib/server/http/forms';
import { tooManyAttempts } from '$lib/server/http/rate-limit';

/** The current password, checked (and limited like a login) before a powerful action. */
export async function confirmPassword(
	event: RequestEvent,
	userId: string,
	password: string,
	form: string,
	refill: Record<string, string> = {},
	wrong = 'That is not your password.'
) {
	const check = await checkOwnPassword(event, userId, password);
	switch (check.outcome) {
		case 'right':
			return null;
		case 'blocked':
			return invalidFor(form, tooManyAttempts(event, check.retryAfter), refill, {}, 429);
		case 'busy':
			return invalidFor(form, check.message, refill, {}, 503);
		case 'wrong':
			return invalidFor(form, 'Please correct the marked fields.', refill, {
				currentPassword: wrong
			});
	}
}
