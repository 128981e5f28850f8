import { redirect } from '@sveltejs/kit';
import { changePassword, deleteAccount } from '$lib/server/account';
import { setFlash } from '$lib/server/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/forms';
import { requireUser } from '$lib/server/guards';
import { verifyPassword } from '$lib/server/password';
import {
	absoluteExpiry,
	invalidateSession,
	invalidateUserSessions,
	listUserSessions,
	publicSessionId
} from '$lib/server/session';
import { clearSessionCookies, setSessionCookie } from '$lib/server/session-cookie';
import { beginPasswordAttempt, passwordRight, passwordWrong } from '$lib/server/throttle';
import { getUser, LastAdminError, type User } from '$lib/server/users';
import { fieldErrors, validateConfirmation, validateNewPassword } from '$lib/server/validation';
import { describeUserAgent } from '$lib/user-agent';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * The current password guards the account's most powerful actions, so guessing it is limited
 * exactly like guessing at the login form (a stolen session must not become a password oracle).
 */
async function checkCurrentPassword(
	event: RequestEvent,
	user: User,
	password: string,
	form: 'changePassword' | 'deleteAccount'
) {
	const started = beginPasswordAttempt(event, user.username, {}, form);
	if ('blocked' in started) return started.blocked;
	const record = getUser(user.id);
	if (!record || !(await verifyPassword(record.passwordHash, password))) {
		await passwordWrong();
		return invalidFor(
			form,
			'Please correct the marked fields.',
			{},
			{
				currentPassword:
					form === 'changePassword'
						? 'That is not your current password.'
						: 'That is not your password.'
			}
		);
	}
	await passwordRight(started.attempt);
	return null;
}

export const load: PageServerLoad = (event) => {
	const { user, session: current } = requireUser(event);
	const sessions = listUserSessions(user.id)
		.map((session) => ({
			id: publicSessionId(session),
			current: session.id === current.id,
			createdAt: session.createdAt,
			lastActiveAt: session.lastActiveAt,
			device: describeUserAgent(session.userAgent),
			ip: session.ip,
			remember: session.remember
		}))
		.sort(
			(a, b) =>
				Number(b.current) - Number(a.current) || b.lastActiveAt.localeCompare(a.lastActiveAt)
		);
	return {
		username: user.username,
		sessions,
		expiry: {
			idle: current.expiresAt,
			absolute: absoluteExpiry(current).toISOString(),
			remember: current.remember
		}
	};
};

export const actions: Actions = {
	changePassword: async (event) => {
		const { user, session } = requireUser(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, [
			'currentPassword',
			'newPassword',
			'confirmPassword'
		]);
		if (problem) return invalidFor('changePassword', problem);
		const errors = fieldErrors({
			currentPassword:
				values.currentPassword === '' ? { error: 'Enter your current password.' } : { value: '' },
			newPassword: validateNewPassword(values.newPassword, user.username),
			confirmPassword: validateConfirmation(values.newPassword, values.confirmPassword)
		});
		if (errors)
			return invalidFor('changePassword', 'Please correct the marked fields.', {}, errors);

		const wrong = await checkCurrentPassword(event, user, values.currentPassword, 'changePassword');
		if (wrong) return wrong;
		if (values.newPassword === values.currentPassword) {
			return invalidFor(
				'changePassword',
				'Please correct the marked fields.',
				{},
				{
					newPassword: 'Choose a password different from the current one.'
				}
			);
		}

		const change = await changePassword(user.id, values.newPassword, {
			remember: session.remember,
			ip: event.getClientAddress(),
			userAgent: event.request.headers.get('user-agent') ?? '',
			currentSessionId: session.id
		});
		setSessionCookie(event, change.token, new Date(change.session.expiresAt));
		setFlash(
			event,
			`Password changed. ${plural(change.otherSessionsEnded, 'other session')} signed out.`
		);
		redirect(303, '/account');
	},

	endSession: async (event) => {
		const { user, session: current } = requireUser(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['sessionId']);
		if (problem) return invalidFor('sessions', problem);
		// Only this person's own sessions are candidates, whatever id is posted.
		const target = listUserSessions(user.id).find(
			(session) => publicSessionId(session) === values.sessionId && session.id !== current.id
		);
		if (!target) {
			return invalidFor('sessions', 'That session has already ended or is not one of yours.');
		}
		await invalidateSession(target.id);
		setFlash(event, 'Signed out of 1 session.');
		redirect(303, '/account');
	},

	endOtherSessions: async (event) => {
		const { user, session } = requireUser(event);
		const ended = await invalidateUserSessions(user.id, session.id);
		setFlash(event, `Signed out of ${plural(ended, 'other session')}.`);
		redirect(303, '/account');
	},

	deleteAccount: async (event) => {
		const { user } = requireUser(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['currentPassword', 'confirm']);
		if (problem) return invalidFor('deleteAccount', problem);
		const errors = fieldErrors({
			currentPassword:
				values.currentPassword === '' ? { error: 'Enter your password.' } : { value: '' },
			confirm:
				values.confirm === 'yes'
					? { value: '' }
					: { error: 'Tick the box to confirm that the account and its data go for good.' }
		});
		if (errors) return invalidFor('deleteAccount', 'Please correct the marked fields.', {}, errors);
		const wrong = await checkCurrentPassword(event, user, values.currentPassword, 'deleteAccount');
		if (wrong) return wrong;

		try {
			await deleteAccount(user.id);
		} catch (error) {
			if (!(error instanceof LastAdminError)) throw error;
			return invalidFor('deleteAccount', error.message);
		}
		clearSessionCookies(event);
		setFlash(event, 'Your account has been deleted.');
		redirect(303, '/');
	}
};
