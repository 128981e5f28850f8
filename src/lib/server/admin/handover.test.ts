import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cookieJar } from '../../../../tests/helpers/request-event';
import { useSecretKey } from '../config/secret-key';
import { setHandover, takeHandover, type Handover } from './handover';

const url = new URL('http://localhost/admin');
const SECRET = 'abcdefghijklmnopqrstuvwxyz234567';
const handover: Handover = {
	kind: 'reset',
	adminId: 'admin-1',
	userId: 'user-1',
	username: 'bob',
	link: `http://localhost/reset-password/user-1.${SECRET}`,
	expiresAt: '2026-11-23T14:35:00.000Z'
};

beforeEach(() => useSecretKey(randomBytes(32)));
afterEach(() => useSecretKey(null));

/** A browser that kept the cookie an action set. */
function afterAction() {
	const { cookies, jar } = cookieJar();
	setHandover({ cookies, url }, handover);
	const value = jar.get('handover')?.value ?? '';
	return { value, next: () => cookieJar({ handover: value }) };
}

describe('a handed-over link', () => {
	it('is sealed: the cookie does not carry the link in a readable form', () => {
		const { value } = afterAction();
		expect(value).not.toContain(SECRET);
		expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain(SECRET);
	});

	it('is shown once, on the page it was meant for', () => {
		const { next } = afterAction();
		const { cookies, jar } = next();
		const wanted = { kind: 'reset', adminId: 'admin-1', userId: 'user-1' } as const;
		expect(takeHandover({ cookies, url }, wanted)).toEqual(handover);
		expect(jar.get('handover')?.options.maxAge).toBe(0);
		expect(takeHandover({ cookies, url }, wanted)).toBeNull();
	});

	it.each([
		['another admin', { kind: 'reset', adminId: 'admin-2', userId: 'user-1' }],
		['another user’s page', { kind: 'reset', adminId: 'admin-1', userId: 'user-2' }],
		['the new-account notice', { kind: 'created', adminId: 'admin-1' }]
	] as const)('is not shown to %s, and stays for its own page', (_label, wanted) => {
		const { cookies, jar } = afterAction().next();
		expect(takeHandover({ cookies, url }, wanted)).toBeNull();
		expect(jar.get('handover')?.options.maxAge).toBeUndefined();
	});

	it('is refused a minute after it was sealed, even if the browser kept the cookie', () => {
		const { cookies, jar } = cookieJar();
		const sealed = Date.parse('2026-11-23T14:05:00Z');
		setHandover({ cookies, url }, handover, sealed);
		const value = jar.get('handover')?.value ?? '';
		const wanted = { kind: 'reset', adminId: 'admin-1' } as const;
		const copy = () => cookieJar({ handover: value }).cookies;
		expect(takeHandover({ cookies: copy(), url }, wanted, sealed + 61_000)).toBeNull();
		expect(takeHandover({ cookies: copy(), url }, wanted, sealed + 59_000)).toEqual(handover);
	});

	it('is dropped when altered or sealed with another key', () => {
		const { value } = afterAction();
		const bytes = Buffer.from(value, 'base64url');
		bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
		const wanted = { kind: 'reset', adminId: 'admin-1' } as const;
		const altered = cookieJar({ handover: bytes.toString('base64url') });
		expect(takeHandover({ cookies: altered.cookies, url }, wanted)).toBeNull();
		expect(altered.jar.get('handover')?.options.maxAge).toBe(0);

		useSecretKey(randomBytes(32));
		expect(
			takeHandover({ cookies: cookieJar({ handover: value }).cookies, url }, wanted)
		).toBeNull();
	});
});
