import { beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../../../tests/helpers/actions';
import { flashOf } from '../../../../tests/helpers/flash';
import { requestEvent } from '../../../../tests/helpers/request-event';
import { startSession, type StartedSession } from '../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../tests/helpers/store';
import {
	storedFingerprint,
	storedSessions,
	storedUser,
	storedUsers
} from '../../../../tests/helpers/stored';
import { createUser, getUser, toUser, type User } from '$lib/server/accounts/users';
import { verifyPassword } from '$lib/server/auth/password';
import { publicSessionId, sessionIdFromToken } from '$lib/server/auth/session-tokens';
import { validateSessionToken } from '$lib/server/auth/sessions';
import { sessions } from '$lib/server/store';
import { actions, load } from './+page.server';

const store = useTempStore();

const PASSWORD = 'correct horse';
const NEW_PASSWORD = 'battery staple';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CHROME_WINDOWS =
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

type Device = StartedSession;

const signIn = (userId: string, userAgent = 'vitest', ip = '127.0.0.1'): Promise<Device> =>
	startSession(userId, { ip, userAgent });

async function userOf(id: string): Promise<User> {
	const record = await getUser(id);
	if (!record) throw new Error(`No user ${id}`);
	return toUser(record);
}

let alice: User;
let bob: User;
/** Alice's device making the requests, two more of hers, and Bob's. */
let current: Device;
let laptop: Device;
let phone: Device;
let bobs: Device;

beforeEach(async () => {
	// Explicit roles: the first account of an empty data directory would become the admin.
	alice = await createUser('alice', PASSWORD, 'user');
	bob = await createUser('bob', PASSWORD, 'user');
	current = await signIn(alice.id, FIREFOX_LINUX, '203.0.113.7');
	laptop = await signIn(alice.id, CHROME_WINDOWS);
	phone = await signIn(alice.id);
	bobs = await signIn(bob.id);
});

type ActionName = keyof typeof actions;

async function post(action: ActionName, form: Record<string, string>, signedIn = true) {
	return runAction(actions[action], `/account?/${action}`, {
		form,
		locals: signedIn ? { user: await userOf(alice.id), session: current.session } : {},
		headers: { 'user-agent': FIREFOX_LINUX }
	});
}

/** What an action could change of accounts and sessions, as stored on disk. */
const files = () => storedFingerprint(store().dataDir, ['users', 'sessions']);
const sessionsOnDisk = () => storedSessions(store().dataDir);
const hashOnDisk = async (username: string) =>
	(await storedUser(store().dataDir, username))?.passwordHash;
const sessionCount = () => store().of(sessions).count();

interface AccountData {
	username: string;
	sessions: Array<{ id: string; current: boolean; device: string; ip: string }>;
}

describe('account load', () => {
	it('lists only this person’s sessions, this device first, by public id and device name', async () => {
		const event = requestEvent('/account', {
			locals: { user: await userOf(alice.id), session: current.session }
		});
		const data = (await load(event as Parameters<typeof load>[0])) as AccountData;
		expect(data.username).toBe('alice');
		expect(data.sessions).toHaveLength(3);
		expect(data.sessions[0]).toMatchObject({
			id: publicSessionId(current.session.id),
			current: true,
			device: 'Firefox on Linux',
			ip: '203.0.113.7'
		});
		expect(data.sessions.filter((session) => session.current)).toHaveLength(1);
		expect(data.sessions.map((session) => session.device)).toContain('Chrome on Windows');
		const ids = data.sessions.map((session) => session.id);
		expect(ids).not.toContain(publicSessionId(bobs.session.id));
		// Pages never show what the server stores (the token digest).
		const shown = JSON.stringify(data);
		for (const device of [current, laptop, phone]) {
			expect(shown).not.toContain(device.session.id);
			expect(shown).not.toContain(device.token);
		}
	});
});

describe('changePassword action', () => {
	const change = (fields: Partial<Record<string, string>> = {}) =>
		post('changePassword', {
			currentPassword: PASSWORD,
			newPassword: NEW_PASSWORD,
			confirmPassword: NEW_PASSWORD,
			...fields
		} as Record<string, string>);

	it('sets the new hash, replaces this device’s token and ends the other sessions', async () => {
		const outcome = await change();
		const { status, location, jar } = outcome;
		expect(status).toBe(303);
		expect(location).toBe('/account#main');
		expect(flashOf(outcome)).toBe('Password changed. 2 other sessions signed out.');

		const newToken = jar.get('session')?.value ?? '';
		expect(newToken).toMatch(/^[a-z2-7]{32}$/);
		expect(newToken).not.toBe(current.token);
		expect(jar.get('session')?.options).toMatchObject({ httpOnly: true, path: '/' });

		for (const old of [current, laptop, phone]) {
			expect(await validateSessionToken(old.token)).toBeNull();
		}
		expect((await validateSessionToken(newToken))?.user.id).toBe(alice.id);
		expect((await validateSessionToken(bobs.token))?.user.id).toBe(bob.id);

		const onDisk = await sessionsOnDisk();
		expect(onDisk.filter((session) => session.userId === alice.id).map(({ id }) => id)).toEqual([
			sessionIdFromToken(newToken)
		]);
		expect(onDisk.map(({ id }) => id)).toContain(bobs.session.id);

		const hash = (await hashOnDisk('alice')) ?? '';
		expect(await verifyPassword(hash, NEW_PASSWORD)).toBe(true);
		expect(await verifyPassword(hash, PASSWORD)).toBe(false);
	});

	it('counts one other session in the singular', async () => {
		await post('endSession', { sessionId: publicSessionId(laptop.session.id) });
		expect(flashOf(await change())).toBe('Password changed. 1 other session signed out.');
	});

	it('refuses a wrong current password with 400 and changes nothing', async () => {
		const before = await files();
		const { status, failure, jar } = await change({ currentPassword: 'wrong horse' });
		expect(status).toBe(400);
		expect(failure?.form).toBe('changePassword');
		expect(failure?.errors).toEqual({ currentPassword: 'That is not your current password.' });
		expect(jar.size).toBe(0);
		expect(await files()).toEqual(before);
		expect(await validateSessionToken(laptop.token)).not.toBeNull();
	});

	it.each([
		['an empty current password', { currentPassword: '' }, 'currentPassword'],
		['7 characters', { newPassword: '7 chars', confirmPassword: '7 chars' }, 'newPassword'],
		[
			'257 characters',
			{ newPassword: 'x'.repeat(257), confirmPassword: 'x'.repeat(257) },
			'newPassword'
		],
		[
			'the current password again',
			{ newPassword: PASSWORD, confirmPassword: PASSWORD },
			'newPassword'
		],
		['a confirmation that differs', { confirmPassword: 'battery stapler' }, 'confirmPassword'],
		['no confirmation', { confirmPassword: '' }, 'confirmPassword']
	])('refuses %s with 400 and changes nothing', async (_label, fields, field) => {
		const before = await files();
		const { status, failure, jar } = await change(fields);
		expect(status).toBe(400);
		expect(failure?.form).toBe('changePassword');
		expect(Object.keys(failure?.errors ?? {})).toEqual([field]);
		expect(jar.size).toBe(0);
		expect(await files()).toEqual(before);
	});

	it('never sends a password back', async () => {
		const { failure } = await change({ currentPassword: 'wrong horse' });
		const sent = JSON.stringify(failure);
		expect(sent).not.toContain('wrong horse');
		expect(sent).not.toContain(NEW_PASSWORD);
	});

	it('accepts new passwords of exactly 8 and 256 characters', async () => {
		const first = await change({ newPassword: '8 chars!', confirmPassword: '8 chars!' });
		expect(first.status).toBe(303);
		const newToken = first.jar.get('session')?.value ?? '';
		const session = await store().of(sessions).get(sessionIdFromToken(newToken));
		if (!session) throw new Error('no new session');
		const long = 'y'.repeat(256);
		const second = await runAction(actions.changePassword, '/account?/changePassword', {
			form: { currentPassword: '8 chars!', newPassword: long, confirmPassword: long },
			locals: { user: await userOf(alice.id), session }
		});
		expect(second.location).toBe('/account#main');
		expect(flashOf(second)).toBe('Password changed. No other sessions were signed in.');
		expect(await verifyPassword((await hashOnDisk('alice')) ?? '', long)).toBe(true);
	});
});

describe('endSession action', () => {
	it('ends the chosen session of this person only', async () => {
		const outcome = await post('endSession', { sessionId: publicSessionId(laptop.session.id) });
		expect(outcome.status).toBe(303);
		expect(outcome.location).toBe('/account#main');
		expect(flashOf(outcome)).toBe('Signed out of 1 session.');
		expect(await validateSessionToken(laptop.token)).toBeNull();
		for (const kept of [current, phone, bobs])
			expect(await validateSessionToken(kept.token)).not.toBeNull();
		const onDisk = (await sessionsOnDisk()).map(({ id }) => id);
		expect(onDisk).not.toContain(laptop.session.id);
		expect(onDisk).toHaveLength(3);
	});

	it.each([
		['another person’s session', () => publicSessionId(bobs.session.id)],
		['the stored id instead of the public one', () => laptop.session.id],
		['this device’s own session', () => publicSessionId(current.session.id)],
		['an unknown id', () => '0'.repeat(24)],
		['nothing', () => '']
	])('refuses %s with 400 and ends nothing', async (_label, sessionId) => {
		const before = await files();
		const { status, failure, jar } = await post('endSession', { sessionId: sessionId() });
		expect(status).toBe(400);
		expect(failure?.form).toBe('sessions');
		expect(failure?.message).toBe('That session has already ended or is not one of yours.');
		expect(jar.size).toBe(0);
		expect(await files()).toEqual(before);
		expect(await sessionCount()).toBe(4);
	});
});

describe('endOtherSessions action', () => {
	it('ends every session of this person except this one', async () => {
		const outcome = await post('endOtherSessions', {});
		expect(outcome.status).toBe(303);
		expect(outcome.location).toBe('/account#main');
		expect(flashOf(outcome)).toBe('2 other sessions signed out.');
		expect((await validateSessionToken(current.token))?.user.id).toBe(alice.id);
		expect(await validateSessionToken(laptop.token)).toBeNull();
		expect(await validateSessionToken(phone.token)).toBeNull();
		expect((await validateSessionToken(bobs.token))?.user.id).toBe(bob.id);
		expect((await sessionsOnDisk()).map(({ id }) => id).sort()).toEqual(
			[current.session.id, bobs.session.id].sort()
		);
	});
});

describe('deleteAccount action', () => {
	it.each([
		['without confirmation', { currentPassword: PASSWORD }, 'confirm'],
		['without a password', { currentPassword: '', confirm: 'yes' }, 'currentPassword'],
		[
			'with a wrong password',
			{ currentPassword: 'wrong horse', confirm: 'yes' },
			'currentPassword'
		],
		['with a confirmation other than yes', { currentPassword: PASSWORD, confirm: 'on' }, 'confirm']
	])('refuses %s with 400 and deletes nothing', async (_label, form, field) => {
		const before = await files();
		const { status, failure, jar } = await post('deleteAccount', form);
		expect(status).toBe(400);
		expect(failure?.form).toBe('deleteAccount');
		expect(Object.keys(failure?.errors ?? {})).toEqual([field]);
		expect(jar.size).toBe(0);
		expect(await files()).toEqual(before);
		expect(await getUser(alice.id)).toBeDefined();
	});

	it('deletes the user and all their sessions on disk, clears the cookie, frees the name', async () => {
		const outcome = await post('deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' });
		expect(outcome.status).toBe(303);
		expect(outcome.location).toBe('/');
		expect(flashOf(outcome)).toBe('Your account has been deleted.');
		expect(outcome.jar.get('session')).toMatchObject({
			value: '',
			options: { maxAge: 0, path: '/' }
		});

		expect((await storedUsers(store().dataDir)).map(({ id }) => id)).toEqual([bob.id]);
		expect((await sessionsOnDisk()).map(({ id }) => id)).toEqual([bobs.session.id]);
		for (const gone of [current, laptop, phone])
			expect(await validateSessionToken(gone.token)).toBeNull();
		expect((await validateSessionToken(bobs.token))?.user.id).toBe(bob.id);

		const again = await createUser('alice', NEW_PASSWORD, 'user');
		expect(again.id).not.toBe(alice.id);
	});
});

describe('every action checks the session itself', () => {
	it.each([
		[
			'changePassword',
			{ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }
		],
		['endSession', { sessionId: publicSessionId('0'.repeat(64)) }],
		['endOtherSessions', {}],
		['deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' }]
	] as Array<[ActionName, Record<string, string>]>)(
		'sends a visitor posting %s to login and changes nothing',
		async (action, form) => {
			const before = await files();
			const { status, location, jar } = await post(action, form, false);
			expect(status).toBe(303);
			expect(location).toMatch(/^\/login\?/);
			expect(jar.size).toBe(0);
			expect(await files()).toEqual(before);
			expect(await sessionCount()).toBe(4);
		}
	);
});
