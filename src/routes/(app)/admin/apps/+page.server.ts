import { redirect, type RequestEvent } from '@sveltejs/kit';
import { accessKinds, describeAccess } from '$lib/server/apps/access-rules';
import { readAppForm, saveAppForm } from '$lib/server/apps/app-form';
import { listApps } from '$lib/server/apps/apps';
import { auditChange } from '$lib/server/apps/audit-change';
import {
	createGroup as addGroup,
	deleteGroup as removeGroup,
	GroupTakenError,
	listGroups,
	validateGroupName
} from '$lib/server/apps/groups';
import { requireAdmin } from '$lib/server/auth/guards';
import { setFlash } from '$lib/server/http/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const groups = await listGroups();
	const nameOf = (id: string) => groups.find((group) => group.id === id)?.name;
	return {
		apps: (await listApps()).map((app) => ({
			id: app.id,
			name: app.name,
			claim: app.claim,
			url: app.url,
			access: describeAccess(app.access, nameOf)
		})),
		groups: groups.map(({ id, name, members }) => ({ id, name, members })),
		kinds: accessKinds()
	};
};

async function createApp(event: RequestEvent) {
	const { user: admin } = requireAdmin(event);
	const read = readAppForm(await readForm(event.request), event.url);
	if (read.refused) return read.refused;
	const saved = await saveAppForm(read.input);
	if (saved.refused) return saved.refused;
	await auditChange(event, admin, 'apps.create', read.input.name);
	setFlash(event, `${read.input.name} added.`);
	redirect(303, '/admin/apps#apps');
}

async function createGroup(event: RequestEvent) {
	const { user: admin } = requireAdmin(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['name']);
	if (problem) return invalidFor('group', problem);
	const name = validateGroupName(values.name);
	if (name.value === undefined) {
		return invalidFor('group', 'Please correct the marked field.', values, { name: name.error });
	}
	try {
		await addGroup(name.value);
	} catch (error) {
		if (!(error instanceof GroupTakenError)) throw error;
		return invalidFor('group', error.message, values, { name: error.message });
	}
	await auditChange(event, admin, 'groups.create', name.value);
	setFlash(event, `Group ${name.value} created. Add people to it from their page under Users.`);
	redirect(303, '/admin/apps#groups');
}

async function deleteGroup(event: RequestEvent) {
	const { user: admin } = requireAdmin(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['id', 'confirm']);
	if (problem) return invalidFor('group', problem);
	if (values.confirm !== 'yes') return invalidFor('group', 'Tick the box to delete the group.');
	const group = await removeGroup(values.id);
	if (group) {
		await auditChange(event, admin, 'groups.delete', group.name);
		setFlash(event, `Group ${group.name} deleted.`);
	}
	redirect(303, '/admin/apps#groups');
}

export const actions: Actions = { createApp, createGroup, deleteGroup };
