import { randomBytes } from 'node:crypto';
import { userTable } from '$lib/server/admin';
import { audit, latestAuditEntries } from '$lib/server/audit';
import { invalid, readForm, readTextFields } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guards';
import { createResetToken, resetPath } from '$lib/server/password-reset';
import { createUser, UsernameTakenError } from '$lib/server/users';
import { validateUsername } from '$lib/server/validation';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const search = (event.url.searchParams.get('q') ?? '').slice(0, 100);
	const page = Number.parseInt(event.url.searchParams.get('page') ?? '1', 10) || 1;
	return {
		search,
		table: userTable(search, page),
		audit: await latestAuditEntries(25)
	};
};

export const actions: Actions = {
	/** An account with no usable password and a one-time link to set one, shown once. */
	createUser: async (event) => {
		const { user: admin } = requireAdmin(event);
		const form = await readForm(event.request);
		const { values, problem } = readTextFields(form, ['username', 'role']);
		if (problem) return invalid(problem);
		const username = validateUsername(values.username);
		const role = values.role === 'admin' ? 'admin' : 'user';
		if (username.value === undefined) {
			return invalid('Please correct the marked fields.', values, { username: username.error });
		}
		let created;
		try {
			created = await createUser(username.value, randomBytes(32).toString('base64'), role);
		} catch (error) {
			if (!(error instanceof UsernameTakenError)) throw error;
			return invalid('Please correct the marked fields.', values, {
				username: 'That username is already taken.'
			});
		}
		const token = await createResetToken(created.id);
		await audit({
			actor: admin.username,
			action: 'admin.create-user',
			target: created.username,
			ip: event.getClientAddress()
		});
		return { created: { username: created.username, link: event.url.origin + resetPath(token) } };
	}
};
