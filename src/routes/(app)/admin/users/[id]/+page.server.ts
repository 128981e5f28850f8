import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { deleteAccount } from '$lib/server/accounts/account-deletion';
import { endAllSessions } from '$lib/server/accounts/credentials';
import { createResetToken, resetPath } from '$lib/server/accounts/password-reset';
import { LastAdminError, setRole as changeRole } from '$lib/server/accounts/roles';
import { getUser } from '$lib/server/accounts/users';
import { audit } from '$lib/server/audit/audit';
import { requireAdmin } from '$lib/server/auth/guards';
import { listUserSessions } from '$lib/server/auth/sessions';
import { clientAddress } from '$lib/server/http/client-address';
import { setFlash } from '$lib/server/http/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

async function targetOf(event: Pick<RequestEvent, 'params'>) {
	const target = await getUser(event.params.id ?? '');
	if (!target) error(404, 'No such user.');
	return target;
}

/** Every admin action checks the role itself and is written to the audit log. */
async function adminAction(event: RequestEvent, action: string) {
	const { user: admin } = requireAdmin(event);
	const target = await targetOf(event);
	const record = (detail?: string) =>
		audit({
			actor: admin.username,
			action,
			target: target.username,
			ip: clientAddress(event),
			detail
		});
	return { target, record };
}

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const target = await targetOf(event);
	return {
		target: {
			id: target.id,
			username: target.username,
			fullName: target.fullName,
			role: target.role,
			createdAt: target.createdAt,
			activeSessions: (await listUserSessions(target.id)).length,
			resetPending: target.passwordReset !== null
		}
	};
};

async function setRole(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.set-role');
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['role']);
	if (problem) return invalidFor('role', problem);
	if (values.role !== 'user' && values.role !== 'admin') {
		return invalidFor('role', 'Choose the role user or admin.');
	}
	try {
		await changeRole(target.id, values.role);
	} catch (failure) {
		if (!(failure instanceof LastAdminError)) throw failure;
		return invalidFor('role', failure.message);
	}
	await record(`role ${values.role}`);
	setFlash(event, `${target.username} is now ${values.role === 'admin' ? 'an admin' : 'a user'}.`);
	redirect(303, `/admin/users/${target.id}`);
}

async function endSessions(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.end-sessions');
	const ended = await endAllSessions(target.id);
	await record();
	setFlash(event, `Signed ${target.username} out of ${ended} session${ended === 1 ? '' : 's'}.`);
	redirect(303, `/admin/users/${target.id}`);
}

/** The link is returned once in this response and never stored in plain form. */
async function createResetLink(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.reset-link');
	const token = await createResetToken(target.id);
	await record();
	return { resetLink: event.url.origin + resetPath(token) };
}

async function deleteUser(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.delete-user');
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['confirm']);
	if (problem) return invalidFor('delete', problem);
	if (values.confirm !== target.username) {
		return invalidFor(
			'delete',
			'Type the username to confirm.',
			{},
			{ confirm: `Type ${target.username} to confirm.` }
		);
	}
	try {
		await deleteAccount(target.id);
	} catch (failure) {
		if (!(failure instanceof LastAdminError)) throw failure;
		return invalidFor('delete', failure.message);
	}
	await record();
	setFlash(event, `${target.username} was deleted.`);
	redirect(303, '/admin');
}

export const actions: Actions = { setRole, endSessions, createResetLink, deleteUser };
