import type { RequestEvent } from '@sveltejs/kit';
import { passwordNeededToAddFactor } from '../guards';
import { checkOwnPassword } from '../login';
import type { Session } from '../sessions';
import { jsonRefusal, readJsonBody } from '../../http/json-body';
import { tooManyAttempts } from '../../http/rate-limit';

/**
 * For a session that is not fresh, the `currentPassword` in the JSON body, checked (and limited)
 * like a login: a refusal to send, or null to go on.
 */
export async function passwordRefusal(
	event: RequestEvent,
	session: Pick<Session, 'createdAt' | 'userId'>
): Promise<Response | null> {
	if (!passwordNeededToAddFactor(session)) return null;
	const body = await readJsonBody(event.request);
	const password = typeof body.currentPassword === 'string' ? body.currentPassword : '';
	if (password === '') return jsonRefusal(400, 'Enter your password to add a passkey.');
	const check = await checkOwnPassword(event, session.userId, password);
	switch (check.outcome) {
		case 'right':
			return null;
		case 'blocked':
			return jsonRefusal(429, tooManyAttempts(event, check.retryAfter));
		case 'busy':
			return jsonRefusal(503, check.message);
		case 'wrong':
			return jsonRefusal(400, 'That is not your password.');
	}
}
