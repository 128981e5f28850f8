import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { deleteAccount } from '$lib/server/accounts/account-deletion';
import { endAllSessions } from '$lib/server/accounts/credentials';
import { LastAdminError, setRole as changeRole } from '$lib/server/accounts/roles';
import { getUser } from '$lib/server/accounts/users';
import { takeHandover } from '$lib/server/admin/handover';
import { resetTwoStep as removeFactors } from '$lib/server/admin/two-step-reset';
import { auditChange } from '$lib/server/apps/audit-change';
import { groupIdsOfUser, listGroups, setGroupsOfUser } from '$lib/server/apps/groups';
import { handOverResetLink, resetLinkValidity } from '$lib/server/admin/reset-links';
import { audit } from '$lib/server/audit/audit';
import { requireAdmin } from '$lib/server/auth/guards';
import { listUserSessions } from '$lib/server/auth/sessions';
import { factorsOf } from '$lib/server/auth/two-step/factors';
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
	return { admin, target, record };
}

export const load: PageServerLoad = async (event) => {
	const { user: admin } = requireAdmin(event);
	const target = await targetOf(event);
	const handover = takeHandover(event, { kind: 'reset', adminId: admin.id, userId: target.id });
	const pending = target.passwordReset;
	return {
		target: {
			id: target.id,
			username: target.username,
			fullName: target.fullName,
			role: target.role,
			createdAt: target.createdAt,
			activeSessions: (await listUserSessions(target.id)).length,
			twoStep: await factorsOf(target.id),
			resetPendingUntil:
				pending && Date.parse(pending.expiresAt) > Date.now() ? pending.expiresAt : null
		},
		isSelf: target.id === admin.id,
		resetLink: handover && { link: handover.link, expiresAt: handover.expiresAt },
		groups: (await listGroups()).map(({ id, name }) => ({ id, name })),
		memberOf: await groupIdsOfUser(target.id),
		linkValidity: resetLinkValidity()
	};
};

/** A role change is confirmed with a tick, in the same form, so it also works without JavaScript. */
async function setRole(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.set-role');
	const form = await readForm(event.request);
	const { values, problem } = readTextFields(form, ['role', 'confirm']);
	if (problem) return invalidFor('role', problem);
	if (values.role !== 'user' && values.role !== 'admin') {
		return invalidFor('role', 'Choose the role user or admin.');
	}
	const refill = { confirm: values.confirm };
	if (values.confirm !== 'yes') {
		return invalidFor('role', 'Please confirm the change.', refill, {
			confirm: 'Tick the box to confirm the new role.'
		});
	}
	try {
		await changeRole(target.id, values.role);
	} catch (failure) {
		if (!(failure instanceof LastAdminError)) throw failure;
		return invalidFor('role', failure.message, refill);
	}
	await record(`role ${values.role}`);
	setFlash(event, `${target.username} is now ${values.role === 'admin' ? 'an admin' : 'a user'}.`);
	redirect(303, `/admin/users/${target.id}#main`);
}

async function endSessions(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.end-sessions');
	const ended = await endAllSessions(target.id);
	await record();
	setFlash(
		event,
		ended === 0
			? `${target.username} was not signed in anywhere.`
			: `Signed ${target.username} out of ${ended} session${ended === 1 ? '' : 's'}.`
	);
	redirect(303, `/admin/users/${target.id}#main`);
}

/** For someone who lost their phone: every factor goes, and so do their sessions. */
async function resetTwoStep(event: RequestEvent) {
	const { target, record } = await adminAction(event, 'admin.reset-two-step');
	const reset = await removeFactors(target.id);
	if (!reset) error(404, 'No such user.');
	await record(`${reset.factors} factors, ${reset.sessions} sessions`);
	setFlash(
		event,
		`Removed ${target.username}'s second factors and recovery codes, and signed them out everywhere.`
	);
	redirect(303, `/admin/users/${target.id}#two-step`);
}

/** The link is shown once on the page this redirects to, and never stored in plain form. */
async function createResetLink(event: RequestEvent) {
	const { admin, target, record } = await adminAction(event, 'admin.reset-link');
	await handOverResetLink(event, 'reset', admin, target);
	await record();
	redirect(303, `/admin/users/${target.id}#reset-link`);
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
			{ confirm: values.confirm },
			{ confirm: `Type ${target.username} to confirm.` }
		);
	}
	try {
		await deleteAccount(target.id);
	} catch (failure) {
		if (!(failure instanceof LastAdminError)) throw failure;
		return invalidFor('delete', failure.message, { confirm: values.confirm });
	}
	await record();
	setFlash(event, `${target.username} was deleted.`);
	redirect(303, '/admin#main');
}

/** The ticked groups are the person's groups from now on; each place gained or lost is audited. */
async function setGroups(event: RequestEvent) {
	const { admin, target } = await adminAction(event, 'groups.set');
	const form = await readForm(event.request);
	if (!form) return invalidFor('groups', 'The form could not be read. Please try again.');
	const wanted = form.getAll('groups').filter((id) => typeof id === 'string');
	const { added, removed } = await setGroupsOfUser(target.id, wanted);
	for (const group of added) {
		await auditChange(event, admin, 'groups.add-member', target.username, group.name);
	}
	for (const group of removed) {
		await auditChange(event, admin, 'groups.remove-member', target.username, group.name);
	}
	setFlash(
		event,
		added.length + removed.length === 0
			? `${target.username}'s groups are unchanged.`
			: `${target.username}'s groups saved.`
	);
	redirect(303, `/admin/users/${target.id}#groups`);
}

export const actions: Actions = {
	setRole,
	setGroups,
	endSessions,
	resetTwoStep,
	createResetLink,
	deleteUser
};
