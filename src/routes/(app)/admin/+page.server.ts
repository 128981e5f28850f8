import { randomBytes } from 'node:crypto';
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { createUser as addUser, UsernameTakenError } from '$lib/server/accounts/users';
import { takeHandover } from '$lib/server/admin/handover';
import { handOverResetLink, resetLinkValidity } from '$lib/server/admin/reset-links';
import { userTable } from '$lib/server/admin/user-table';
import { audit, auditPage } from '$lib/server/audit/audit';
import { describeAuditEntry } from '$lib/server/audit/wording';
import { requireAdmin } from '$lib/server/auth/guards';
import { hasSecondFactor } from '$lib/server/auth/two-step/factors';
import { clientAddress } from '$lib/server/http/client-address';
import { invalid, readForm, readTextFields } from '$lib/server/http/forms';
import { validateUsername } from '$lib/server/http/validation';
import type { Actions, PageServerLoad } from './$types';

const AUDIT_PER_PAGE = 25;

const pageParam = (url: URL, name: string) =>
	Number.parseInt(url.searchParams.get(name) ?? '1', 10) || 1;

export const load: PageServerLoad = async (event) => {
	const { user: admin } = requireAdmin(event);
	const search = (event.url.searchParams.get('q') ?? '').slice(0, 100);
	const activity = await auditPage(pageParam(event.url, 'log'), AUDIT_PER_PAGE);
	const created = takeHandover(event, { kind: 'created', adminId: admin.id });
	return {
		// A calm reminder, not a lock: the operator decides with REQUIRE_TWO_STEP.
		remindTwoStep: !(await hasSecondFactor(admin.id)),
		search,
		table: await userTable(search, pageParam(event.url, 'page')),
		created: created && {
			username: created.username,
			link: created.link,
			expiresAt: created.expiresAt
		},
		linkValidity: resetLinkValidity(),
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
	await handOverResetLink(event, 'created', admin, created);
	await audit({
		actor: admin.username,
		action: 'admin.create-user',
		target: created.username,
		ip: clientAddress(event),
		detail: `role ${role}`
	});
	redirect(303, '/admin#create-account');
}

export const actions: Actions = { createUser };
