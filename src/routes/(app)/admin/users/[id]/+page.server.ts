import { error, redirect } from '@sveltejs/kit';
import { deleteAccount, endAllSessions } from '$lib/server/account';
import { audit } from '$lib/server/audit';
import { setFlash } from '$lib/server/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guards';
import { createResetToken, resetPath } from '$lib/server/password-reset';
import { listUserSessions } from '$lib/server/session';
import { getUser, LastAdminError, setRole } from '$lib/server/users';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

function targetOf(event: RequestEvent) {
	const target = getUser(event.params.id);
	if (!target) error(404, 'No such user.');
	return target;
}

/** Every admin action checks the role itself and is written to the audit log. */
async function adminAction(event: RequestEvent, action: string) {
	const { user: admin } = requireAdmin(event);
	const target = targetOf(event);
	const record = (detail?: string) =>
		audit({
			actor: admin.username,
			action,
			target: target.username,
			ip: event.getClientAddress(),
			detail
		});
	return { admin, target, record };
}

export const load: PageServerLoad = (event) => {
	requireAdmin(event);
	const target = targetOf(event);
	return {
		target: {
			id: target.id,
			username: target.username,
			fullName: target.fullName,
			role: target.role,
			createdAt: target.createdAt,
			activeSessions: listUserSessions(target.id).length,
			resetPending: target.passwordReset !== null
		}
	};
};

export const actions: Actions = {
	setRole: async (event) => {
		const { target, record } = await adminAction(event, 'admin.set-role');
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['role']);
		if (problem) return invalidFor('role', problem);
		if (values.role !== 'user' && values.role !== 'admin') {
			return invalidFor('role', 'Choose the role user or admin.');
		}
		try {
			await setRole(target.id, values.role);
		} catch (failure) {
			if (!(failure instanceof LastAdminError)) throw failure;
			return invalidFor('role', failure.message);
		}
		await record(`role ${values.role}`);
		setFlash(
			event,
			`${target.username} is now ${values.role === 'admin' ? 'an admin' : 'a user'}.`
		);
		redirect(303, `/admin/users/${target.id}`);
	},

	endSessions: async (event) => {
		const { target, record } = await adminAction(event, 'admin.end-sessions');
		const ended = await endAllSessions(target.id);
		await record();
		setFlash(event, `Signed ${target.username} out of ${ended} session${ended === 1 ? '' : 's'}.`);
		redirect(303, `/admin/users/${target.id}`);
	},

	/** The link is returned once in this response and never stored in plain form. */
	createResetLink: async (event) => {
		const { target, record } = await adminAction(event, 'admin.reset-link');
		const token = await createResetToken(target.id);
		await record();
		return { resetLink: event.url.origin + resetPath(token) };
	},

	deleteUser: async (event) => {
		const { target, record } = await adminAction(event, 'admin.delete-user');
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['confirm']);
		if (problem) return invalidFor('delete', problem);
		if (values.confirm !== target.username) {
			return invalidFor(
				'delete',
				'Type the username to confirm.',
				{},
				{
					confirm: `Type ${target.username} to confirm.`
				}
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
};
