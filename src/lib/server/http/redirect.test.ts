import { describe, expect, it } from 'vitest';
import { otherSitesFor } from '../apps/redirect-targets';
import { DEFAULT_AFTER_LOGIN, loginUrlFor, safeRedirectTarget } from './redirect';

describe('safeRedirectTarget', () => {
	it.each([
		['/profile', '/profile'],
		['/a?b=c#d', '/a?b=c#d'],
		['/', '/'],
		['/admin/users?page=2', '/admin/users?page=2'],
		['/a/../b', '/b'],
		['/?next=//evil.example', '/?next=//evil.example'],
		['/x#//evil.example', '/x#//evil.example'],
		['/%09/evil.example', '/%09/evil.example'],
		['/%5C/evil.example', '/%5C/evil.example']
	])('keeps the same-site path %j', (raw, target) => {
		expect(safeRedirectTarget(raw)).toBe(target);
	});

	it.each([
		['null', null],
		['undefined', undefined],
		['an empty string', ''],
		['a relative path', 'home'],
		['another relative path', 'profile'],
		['a query only', '?next=/profile'],
		['a fragment only', '#profile'],
		['a dot path', './profile'],
		['a protocol-relative URL', '//evil.example'],
		['a protocol-relative URL with a path', '//evil.example/home'],
		['a backslash after the slash', '/\\evil.example'],
		['backslashes only', '\\\\evil'],
		['an absolute URL', 'https://evil.example'],
		['an absolute URL to this host', 'http://localhost/home'],
		['a javascript: URL', 'javascript:alert(1)'],
		['a tab that parsers drop', '/\t/evil.example'],
		['a newline that parsers drop', '/\n/evil.example'],
		['a carriage return', '/\r/evil.example'],
		['a NUL', '/\u0000/evil.example'],
		['a no-break space', '/\u00a0/evil.example'],
		['a line separator', '/\u2028/evil.example'],
		['a dot segment that normalises to //', '/.//evil.example'],
		['an encoded dot segment that normalises to //', '/%2e//evil.example'],
		['a parent segment that normalises to //', '/..//evil.example'],
		['a deeper parent segment that normalises to //', '/a/..//evil.example'],
		['a leading space', ' /x'],
		['a very long path', '/' + 'a'.repeat(2000)]
	])('refuses %s', (_, raw) => {
		expect(safeRedirectTarget(raw, '/fallback')).toBe('/fallback');
		expect(safeRedirectTarget(raw)).toBe(DEFAULT_AFTER_LOGIN);
	});

	it('never returns anything but a same-site path', () => {
		const attempts = [
			'/.//evil.example',
			'/%2e%2e//evil.example',
			'/././/evil.example',
			'/%2F/evil.example',
			'///evil.example',
			'/%09/evil.example',
			'/@evil.example',
			'/:evil.example'
		];
		for (const raw of attempts) {
			const target = safeRedirectTarget(raw);
			expect(target).toMatch(/^\/(?![/\\])/);
			expect(new URL(target, 'https://gatehouse.example').origin).toBe('https://gatehouse.example');
		}
	});

	it('uses the given fallback', () => {
		expect(safeRedirectTarget('//evil.example', '/login')).toBe('/login');
		expect(safeRedirectTarget('/profile', '/login')).toBe('/profile');
		expect(DEFAULT_AFTER_LOGIN).toBe('/home');
	});
});

describe('safeRedirectTarget back to a protected app', () => {
	const gatehouse = new URL('https://auth.example.com/login');
	const apps = otherSitesFor(['grafana.internal', 'wiki.internal:8443'], 'example.com', gatehouse);
	const back = (raw: string) => safeRedirectTarget(raw, '/home', apps);

	it.each([
		'https://grafana.internal/d/home?orgId=1#panel',
		'https://wiki.internal:8443/Page',
		'https://example.com/',
		'https://jupyter.example.com/lab',
		'https://a.b.example.com:8443/x'
	])('returns to %s', (raw) => {
		expect(back(raw)).toBe(new URL(raw).href);
	});

	it.each([
		['a look-alike ending in the domain', 'https://example.com.evil.test/'],
		['a look-alike without the dot', 'https://evilexample.com/'],
		['the domain in the query only', 'https://evil.test/?x=example.com'],
		['no scheme, the domain in the query', 'evil.test/?x=example.com'],
		['userinfo hiding the host', 'https://example.com@evil.test/'],
		['userinfo with a password', 'https://grafana.internal:pw@evil.test/'],
		['userinfo on an allowed host', 'https://user@grafana.internal/'],
		['an encoded @', 'https://example.com%40evil.test/'],
		['a backslash', 'https://evil.test\\.example.com/'],
		['plain http from an https Gatehouse', 'http://grafana.internal/'],
		['an app host on another port', 'https://grafana.internal:444/'],
		['an app port on another host', 'https://wiki.internal/'],
		['protocol-relative', '//grafana.internal/'],
		['a javascript: URL', 'javascript://grafana.internal/%0aalert(1)'],
		['a data: URL', 'data:text/html,https://example.com'],
		['a tab in the scheme', 'ht\ttps://example.com/'],
		['a newline in the host', 'https://example.com\n.evil.test/'],
		['an unknown host', 'https://evil.test/']
	])('refuses %s', (_, raw) => {
		expect(back(raw)).toBe('/home');
	});

	it('allows http apps only when Gatehouse itself is on plain http', () => {
		const local = otherSitesFor(['grafana.internal'], null, new URL('http://localhost:3000/'));
		expect(safeRedirectTarget('http://grafana.internal/', '/home', local)).toBe(
			'http://grafana.internal/'
		);
		expect(safeRedirectTarget('https://example.com/', '/home', local)).toBe('/home');
	});

	it('still refuses absolute URLs where no other sites are given', () => {
		expect(safeRedirectTarget('https://grafana.internal/')).toBe('/home');
	});
});

describe('loginUrlFor', () => {
	it('remembers the path and query the visitor wanted', () => {
		const url = loginUrlFor(new URL('http://localhost/profile?tab=security#top'));
		const parsed = new URL(url, 'http://localhost');
		expect(parsed.pathname).toBe('/login');
		expect(parsed.searchParams.get('redirectTo')).toBe('/profile?tab=security');
		expect(parsed.searchParams.has('reason')).toBe(false);
	});

	it('adds the reason when the session expired or was ended', () => {
		const url = loginUrlFor(new URL('http://localhost/home'), 'expired');
		expect(url).toBe('/login?redirectTo=%2Fhome&reason=expired');
		expect(loginUrlFor(new URL('http://localhost/home'), 'password-changed')).toBe(
			'/login?redirectTo=%2Fhome&reason=password-changed'
		);
	});

	it('returns to the page of a form action, not to its ?/action URL', () => {
		const url = loginUrlFor(new URL('http://localhost/account?/changePassword'));
		expect(url).toBe('/login?redirectTo=%2Faccount');
		expect(loginUrlFor(new URL('http://localhost/admin?q=bo&/createUser'))).toBe(
			'/login?redirectTo=%2Fadmin%3Fq%3Dbo'
		);
	});
});
