/** What the login page says when a session ended, by the `reason` its redirect carries. */
export const NOTICES: Record<string, string> = {
	expired: 'Your session expired, please sign in again.',
	'password-changed': 'Your password was changed, please sign in with the new one.',
	'signed-out-everywhere': 'You were signed out everywhere, please sign in again.',
	'ended-elsewhere': 'This session was signed out from another device, please sign in again.',
	'account-deleted': 'This account was deleted.',
	'two-step-reset':
		'An admin removed your second factors and signed you out. Sign in with your password and set up a new one.',
	'two-step-expired': 'The second step took longer than 5 minutes, please sign in again.'
};

export function noticeFor(reason: string | null): string | null {
	return reason !== null && Object.hasOwn(NOTICES, reason) ? (NOTICES[reason] ?? null) : null;
}
