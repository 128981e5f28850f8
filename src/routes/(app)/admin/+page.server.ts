import { randomBytes } from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { createResetToken, resetPath } from '$lib/server/accounts/password-reset';
import { createUser as addUser, UsernameTakenError } from '$lib/server/accounts/users';
import { userTable } from '$lib/server/admin/user-table';
import { audit, auditPage } from '$lib/server/audit/audit';
import { describeAuditEntry } from '$lib/server/audit/wording';
import { requireAdmin } from '$lib/server/auth/guards';
import { clientAddress } from '$lib/server/http/client-address';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { validateUsername } from '$lib/server/http/validation';
import type { Actions, PageServerLoad } from './$types';

const AUDIT_PER_PAGE = 25;

const pageParam = (url: URL, name: string) =>
	Number.parseInt(url.searchParams.get(name) ?? '1', 10) || 1;

export const load: PageServerLoad = async (event) => {
	requireAdmin(event);
	const search = (event.url.searchParams.get('q') ?? '').slice(0, 100);
	const activity = await auditPage(pageParam(event.url, 'log'), AUDIT_PER_PAGE);
	return {
		search,
		table: await userTable(search, pageParam(event.url, 'page')),
		activity: {
			page: activity.page,
			more: activity.more,
			entries: activity.entries.map((entry) => ({
				time: entry.time,
				text: describeAuditEntry(entry),
				ip: entry.ip
			}))
		}
	};
};

/** An account with no usable password and a one-time link to set one, shown once. */
async function createUser(event: RequestEvent) {
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
		created = await addUser(username.value, randomBytes(32).toString('base64'), role);
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
		ip: clientAddress(event),
		detail: `role ${role}`
	});
	return { created: { username: created.username, link: event.url.origin + resetPath(token) } };
}

export const actions: Actions = { createUser };
