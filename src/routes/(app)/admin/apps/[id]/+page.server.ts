import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { accessKinds } from '$lib/server/apps/access-rules';
import { appFormValues, readAppForm, saveAppForm } from '$lib/server/apps/app-form';
import { deleteApp as removeApp, getApp } from '$lib/server/apps/apps';
import { auditChange } from '$lib/server/apps/audit-change';
import { listGroups } from '$lib/server/apps/groups';
import { requireAdmin } from '$lib/server/auth/guards';
import { setFlash } from '$lib/server/http/flash';
import { invalidFor, readForm, readTextFields } from '$lib/server/http/forms';
import type { Actions, PageServerLoad } from './$types';

async function appOf(event: Pick<RequestEvent, 'params'>) {
	const app = await getApp(event.params.id ?? '');
	if (!app) error(404, 'No such app.');
	return app;
}

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const app = await appOf(event);
	return {
		app: { id: app.id, name: app.name, values: appFormValues(app) },
		kinds: accessKinds(),
		groups: (await listGroups()).map(({ id, name }) => ({ id, name }))
	};
};

async function updateApp(event: RequestEvent) {
	const { user: admin } = requireAdmin(event);
	const app = await appOf(event);
	const read = readAppForm(await readForm(event.request), event.url);
	if (read.refused) return read.refused;
	const saved = await saveAppForm(read.input, app.id);
	if (saved.refused) return saved.refused;
	if (!saved.saved) error(404, 'No such app.');
	await auditChange(event, admin, 'apps.update', read.input.name);
	setFlash(event, `${read.input.name} saved.`);
	redirect(303, '/admin/apps#apps');
}

async function deleteApp(event: RequestEvent) {
	const { user: admin } = requireAdmin(event);
	const target = await appOf(event);
	const { values, problem } = readTextFields(await readForm(event.request), ['confirm']);
	if (problem) return invalidFor('delete', problem);
	if (values.confirm !== 'yes') {
		return invalidFor(
			'delete',
			'Please confirm.',
			{},
			{ confirm: 'Tick the box to remove the app.' }
		);
	}
	const app = await removeApp(target.id);
	if (app) {
		await auditChange(event, admin, 'apps.delete', app.name);
		setFlash(event, `${app.name} removed.`);
	}
	redirect(303, '/admin/apps#apps');
}

export const actions: Actions = { updateApp, deleteApp };
