import { APP_NAME_MAX } from '$lib/limits';
import type { Checked } from '../http/validation';
import { ACCESS_KINDS, isAccessKind, type AccessRule } from './access-rules';

/** An app as the admin's form describes it. */
export interface AppInput {
	name: string;
	host: string;
	pathPrefix: string;
	url: string;
	access: AccessRule;
}

const HOST =
	/^(?=[a-z0-9.-]{1,253}(:|$))[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

export function validateAppName(raw: string): Checked<string> {
	const name = raw.trim();
	if (name === '') return { error: 'Enter a name.' };
	if (/[\p{Cc}\u2028\u2029]/u.test(name))
		return { error: 'Use a name without control characters.' };
	if ([...name].length > APP_NAME_MAX) return { error: `Use at most ${APP_NAME_MAX} characters.` };
	return { value: name };
}

/** `grafana.example.com` or `grafana.example.com:8443`, as the browser sends it in `Host`. */
export function validateHost(raw: string): Checked<string> {
	const host = raw.trim().toLowerCase();
	if (host === '') return { error: 'Enter the host name the app is reached at.' };
	if (!HOST.test(host) || Number(host.split(':')[1] ?? 0) > 65_535) {
		return { error: 'Enter a host name such as grafana.example.com (a port may follow).' };
	}
	return { value: host };
}

/** '' (the whole host) or `/wiki`: whole path segments, without a trailing slash. */
export function validatePathPrefix(raw: string): Checked<string> {
	const prefix = raw.trim().replace(/\/+$/, '');
	if (prefix === '') return { value: '' };
	if (
		!prefix.startsWith('/') ||
		/[\s?#%\\]/.test(prefix) ||
		prefix.split('/').some((segment) => segment === '.' || segment === '..')
	) {
		return { error: 'Enter a path such as /wiki, or leave it empty for the whole host.' };
	}
	return { value: prefix };
}

/** The portal's link; empty means the app's own address. */
export function validateAppUrl(raw: string, fallback: string): Checked<string> {
	const text = raw.trim();
	if (text === '') return { value: fallback };
	try {
		const url = new URL(text);
		if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.username) {
			return { value: url.href };
		}
	} catch {
		// refused below
	}
	return { error: 'Enter an http(s) address such as https://grafana.example.com/.' };
}

export function validateAccess(kind: string, groupIds: string[]): Checked<AccessRule> {
	if (!isAccessKind(kind)) return { error: `Choose one of: ${ACCESS_KINDS.join(', ')}.` };
	if (kind !== 'groups') return { value: { kind, groupIds: [] } };
	if (groupIds.length === 0) return { error: 'Choose at least one group.' };
	return { value: { kind, groupIds: [...new Set(groupIds)] } };
}
