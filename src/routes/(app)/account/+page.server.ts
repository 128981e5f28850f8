import { redirect, type RequestEvent } from '@sveltejs/kit';
import { deleteAccount as deleteUser } from '$lib/server/accounts/account-deletion';
import {
	changePassword as setNewPassword,
	endOtherSessions as signOutOthers
} from '$lib/server/accounts/credentials';
import { LastAdminError } from '$lib/server/accounts/roles';
import { audit } from '$lib/server/audit/audit';
import { passwordNeededToAddFactor, requireUser } from '$lib/server/auth/guards';
import { clearSessionCookies, setSessionCookie } from '$lib/server/auth/session-cookie';
import { absoluteExpiry } from '$lib/server/auth/session-expiry';
import { publicSessionId } from '$lib/server/auth/session-tokens';
import { endSession as endOneSession, listUserSessions } from '$lib/server/auth/sessions';
import { sessionContext } from '$lib/server/auth/sign-in';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import {
	fieldErrors,
	validateConfirmation,
	validateNewPassword
} from '$lib/server/http/validation';
import { describeUserAgent } from '$lib/user-agent';
import { confirmPassword } from './confirm-password';
import { factorsOf } from '$lib/server/auth/two-step/factors';
import { twoStepRequiredFor } from '$lib/server/auth/two-step/policy';
import {
	newRecoveryCodes,
	removePasskey,
	renamePasskey,
	switchOffAuthenticator
} from './two-step-actions';
import type { Actions, PageServerLoad } from './$types';

/** "No other sessions were signed in.", "1 other session signed out.", "2 other sessions ...". */
function othersSignedOut(count: number): string {
	if (count === 0) return 'No other sessions were signed in.';
	return `${count} other session${count === 1 ? '' : 's'} signed out.`;
}

export const load: PageServerLoad = async (event) => {
	const { user, session: current } = requireUser(event);
	const sessions = (await listUserSessions(user.id))
		.map((session) => ({
			id: publicSessionId(session.id),
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
		twoStep: {
			...(await factorsOf(user.id)),
			required: twoStepRequiredFor(user.role),
			askPassword: passwordNeededToAddFactor(current)
		},
		sessions,
		expiry: {
			idle: current.expiresAt,
			absolute: absoluteExpiry(current).toISOString(),
			remember: current.remember
		}
	};
};

async function changePassword(event: RequestEvent) {
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
	if (errors) return invalidFor('changePassword', 'Please correct the marked fields.', {}, errors);

	const refused = await confirmPassword(
		event,
		user.id,
		values.currentPassword,
		'changePassword',
		{},
		'That is not your current password.'
	);
	if (refused) return refused;
	if (values.newPassword === values.currentPassword) {
		return invalidFor(
			'changePassword',
			'Please correct the marked fields.',
			{},
			{ newPassword: 'Choose a password different from the current one.' }
		);
	}

	const change = await setNewPassword(user.id, values.newPassword, {
		...sessionContext(event, session.remember, session.twoStep),
		currentSessionId: session.id
	});
	setSessionCookie(event, change.token, new Date(change.session.expiresAt));
	await audit({
		actor: user.username,
		action: 'password.change',
		target: null,
		ip: clientAddress(event)
	});
	setFlash(event, `Password changed. ${othersSignedOut(change.otherSessionsEnded)}`);
	redirect(303, '/account#main');
}

async function endSession(event: RequestEvent) {
	const { user, session: current } = requireUser(event);
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['sessionId']);
	if (problem) return invalidFor('sessions', problem);
	// Only this person's own sessions are candidates, whatever id is posted.
	const target = (await listUserSessions(user.id)).find(
		(session) => publicSessionId(session.id) === values.sessionId && session.id !== current.id
	);
	if (!target) {
		return invalidFor('sessions', 'That session has already ended or is not one of yours.');
	}
	await endOneSession(target.id, 'ended-elsewhere');
	await audit({
		actor: user.username,
		action: 'sessions.end-one',
		target: null,
		ip: clientAddress(event)
	});
	setFlash(event, 'Signed out of 1 session.');
	redirect(303, '/account#main');
}

async function endOtherSessions(event: RequestEvent) {
	const { user, session } = requireUser(event);
	const ended = await signOutOthers(user.id, session.id);
	await audit({
		actor: user.username,
		action: 'sessions.end-others',
		target: null,
		ip: clientAddress(event)
	});
	setFlash(event, othersSignedOut(ended));
	redirect(303, '/account#main');
}

async function deleteAccount(event: RequestEvent) {
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
	const refill = { confirm: values.confirm };
	if (errors)
		return invalidFor('deleteAccount', 'Please correct the marked fields.', refill, errors);
	const refused = await confirmPassword(
		event,
		user.id,
		values.currentPassword,
		'deleteAccount',
		refill
	);
	if (refused) return refused;

	try {
		await deleteUser(user.id);
	} catch (error) {
		if (!(error instanceof LastAdminError)) throw error;
		return invalidFor('deleteAccount', error.message, refill);
	}
	await audit({
		actor: user.username,
		action: 'account.delete',
		target: null,
		ip: clientAddress(event)
	});
	clearSessionCookies(event);
	setFlash(event, 'Your account has been deleted.');
	redirect(303, '/');
}

export const actions: Actions = {
	changePassword,
	endSession,
	endOtherSessions,
	switchOffAuthenticator,
	newRecoveryCodes,
	renamePasskey,
	removePasskey,
	deleteAccount
};
