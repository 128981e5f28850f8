import { describe, expect, it } from 'vitest';
import type { AppRecord } from '../store';
import { ACCESS_KINDS, allows, describeAccess } from './access-rules';
import { appFor, type Directory } from './directory';
import { isNavigation, originalRequest } from './original-request';

const app = (name: string, host: string, pathPrefix = ''): AppRecord => ({
	id: name,
	name,
	host,
	pathPrefix,
	claim: host + pathPrefix,
	url: `https://${host}${pathPrefix}/`,
	access: { kind: 'signed-in', groupIds: [] },
	createdAt: '2026-01-01T00:00:00.000Z'
});

describe('access rules', () => {
	const member = { isAdmin: false, groupIds: new Set(['ops']), passedSecondStep: false };
	const admin = { isAdmin: true, groupIds: new Set<string>(), passedSecondStep: false };
	const withSecondFactor = { ...member, passedSecondStep: true };

	it('decides each kind', () => {
		expect(allows({ kind: 'signed-in', groupIds: [] }, member)).toBe(true);
		expect(allows({ kind: 'admins', groupIds: [] }, member)).toBe(false);
		expect(allows({ kind: 'admins', groupIds: [] }, admin)).toBe(true);
		expect(allows({ kind: 'groups', groupIds: ['dev', 'ops'] }, member)).toBe(true);
		expect(allows({ kind: 'groups', groupIds: ['dev'] }, member)).toBe(false);
		expect(allows({ kind: 'groups', groupIds: ['dev'] }, admin)).toBe(false);
		expect(allows({ kind: 'two-step', groupIds: [] }, member)).toBe(false);
		expect(allows({ kind: 'two-step', groupIds: [] }, admin)).toBe(false);
		expect(allows({ kind: 'two-step', groupIds: [] }, withSecondFactor)).toBe(true);
	});

	it('lists the kinds in order and names a rule in words', () => {
		expect(ACCESS_KINDS).toEqual(['signed-in', 'admins', 'groups', 'two-step']);
		const names = new Map([['g1', 'ops']]);
		expect(
			describeAccess({ kind: 'groups', groupIds: ['g1', 'gone'] }, (id) => names.get(id))
		).toBe('Groups: ops');
		expect(describeAccess({ kind: 'admins', groupIds: [] }, () => undefined)).toBe('Admins only');
	});
});

describe('appFor', () => {
	const apps = [
		app('Deep', 'tools.test', '/wiki/admin'),
		app('Wiki', 'tools.test', '/wiki'),
		app('Root', 'tools.test')
	];
	const directory: Directory = {
		apps,
		groups: new Map(),
		groupsOf: new Map(),
		groupNamesOf: new Map()
	};
	const find = (host: string, path: string) => appFor(directory, host, path)?.name;

	it('takes the longest claim whose prefix matches whole segments', () => {
		expect(find('tools.test', '/wiki')).toBe('Wiki');
		expect(find('tools.test', '/wiki/')).toBe('Wiki');
		expect(find('tools.test', '/wiki/admin/x')).toBe('Deep');
		expect(find('tools.test', '/wikipedia')).toBe('Root');
		expect(find('tools.test', '/')).toBe('Root');
		expect(find('other.test', '/wiki')).toBeUndefined();
		expect(find('tools.test:8080', '/')).toBeUndefined();
	});
});

describe('originalRequest', () => {
	const read = (headers: Record<string, string>) => originalRequest(new Headers(headers));

	it("reads nginx's X-Original-URL and method", () => {
		const original = read({
			'x-original-url': 'https://a.test/x/../y?q=1',
			'x-original-method': 'post'
		});
		expect(original?.url.href).toBe('https://a.test/y?q=1');
		expect(original?.method).toBe('POST');
		expect(original?.nginx).toBe(true);
	});

	it("reads Caddy's and Traefik's X-Forwarded-*", () => {
		const original = read({
			'x-forwarded-proto': 'https',
			'x-forwarded-host': 'a.test:8443',
			'x-forwarded-uri': '/p/%2e%2e/q',
			'x-forwarded-method': 'HEAD'
		});
		expect(original?.url.href).toBe('https://a.test:8443/q');
		expect(original?.method).toBe('HEAD');
		expect(original?.nginx).toBe(false);
	});

	it('refuses what does not describe a web request', () => {
		expect(read({})).toBeNull();
		expect(read({ 'x-original-url': '/relative' })).toBeNull();
		expect(read({ 'x-original-url': 'javascript:alert(1)' })).toBeNull();
		expect(read({ 'x-forwarded-host': 'a.test', 'x-forwarded-proto': 'ftp' })).toBeNull();
		expect(read({ 'x-forwarded-host': 'a.test', 'x-forwarded-uri': 'x@evil.test/' })).toBeNull();
		expect(read({ 'x-forwarded-host': 'evil.test/x?', 'x-forwarded-uri': '/' })?.url.host).toBe(
			'evil.test'
		);
	});

	it('tells a page load from a script or an API call', () => {
		expect(isNavigation('GET', 'text/html,application/xhtml+xml')).toBe(true);
		expect(isNavigation('HEAD', 'text/html')).toBe(true);
		expect(isNavigation('GET', '*/*')).toBe(false);
		expect(isNavigation('POST', 'text/html')).toBe(false);
		expect(isNavigation('GET', null)).toBe(false);
	});
});
