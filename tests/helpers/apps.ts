import type { Client } from './client';

/*
 * Setting up protected apps the way an admin does, through the forms of /admin/apps and the
 * user pages, and asking /auth/verify what a proxy would ask.
 */

export async function addGroup(admin: Client, name: string): Promise<string> {
	const response = await admin.post('/admin/apps?/createGroup', { name });
	if (response.status !== 303) throw new Error(`Creating group ${name}: ${response.status}`);
	const id = (await groupIds(admin)).get(name);
	if (!id) throw new Error(`Group ${name} is not listed`);
	return id;
}

/** The groups' ids by name, read from the add-app form's checkboxes. */
export async function groupIds(admin: Client): Promise<Map<string, string>> {
	const html = await (await admin.get('/admin/apps')).text();
	return new Map(
		[...html.matchAll(/<label for="group-([0-9a-f-]{36})">([^<]+)<\/label>/g)].map(
			([, id = '', name = '']) => [name, id]
		)
	);
}

export interface AppFields {
	name: string;
	host: string;
	pathPrefix?: string;
	url?: string;
	access: 'signed-in' | 'admins' | 'groups' | 'two-step';
	groups?: string[];
}

export function appForm(app: AppFields): URLSearchParams {
	const form = new URLSearchParams({
		name: app.name,
		host: app.host,
		pathPrefix: app.pathPrefix ?? '',
		url: app.url ?? '',
		access: app.access
	});
	for (const id of app.groups ?? []) form.append('groups', id);
	return form;
}

export async function addApp(admin: Client, app: AppFields): Promise<void> {
	const response = await admin.post('/admin/apps?/createApp', appForm(app));
	if (response.status !== 303) {
		throw new Error(`Adding app ${app.name}: ${response.status} ${await response.text()}`);
	}
}

export async function putInGroups(admin: Client, userId: string, ids: string[]): Promise<void> {
	const form = new URLSearchParams();
	for (const id of ids) form.append('groups', id);
	const response = await admin.post(`/admin/users/${userId}?/setGroups`, form);
	if (response.status !== 303) throw new Error(`Setting groups: ${response.status}`);
}

/** What nginx's auth_request asks (`X-Original-URL`) for a request to `url`. */
export function askAsNginx(client: Client, url: string, headers: Record<string, string> = {}) {
	return client.get('/auth/verify', {
		headers: { 'x-original-url': url, 'x-original-method': 'GET', ...headers }
	});
}

/** What Caddy's forward_auth and Traefik's ForwardAuth ask for a request to `url`. */
export function askAsCaddy(
	client: Client,
	url: string,
	{ method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}
) {
	const { protocol, host, pathname, search } = new URL(url);
	return client.get('/auth/verify', {
		headers: {
			'x-forwarded-proto': protocol.slice(0, -1),
			'x-forwarded-host': host,
			'x-forwarded-uri': pathname + search,
			'x-forwarded-method': method,
			...headers
		}
	});
}
