import { beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../../../../tests/helpers/actions';
import { flashOf } from '../../../../../tests/helpers/flash';
import { requestEvent } from '../../../../../tests/helpers/request-event';
import { startSession } from '../../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../../tests/helpers/store';
import { storedFingerprint, storedUser, storedUsers } from '../../../../../tests/helpers/stored';
import { updateProfile } from '$lib/server/accounts/profile';
import { createUser, getUser, toUser, type User } from '$lib/server/accounts/users';
import type { Session } from '$lib/server/auth/sessions';
import { actions, load } from './+page.server';

const store = useTempStore();

let user: User;
let session: Session;

beforeEach(async () => {
	// An explicit role: the first account of an empty data directory would become the admin.
	const created = await createUser('alice', 'correct horse', 'user');
	({ session } = await startSession(created.id));
	const record = await getUser(created.id);
	if (!record) throw new Error('alice was not stored');
	user = toUser(record);
});

function save(form: Record<string, string | string[]>, signedIn = true) {
	return runAction(actions.save, '/profile/edit?/save', {
		form,
		locals: signedIn ? { user, session } : {}
	});
}

/** The stored users, to show that a refused form changed nothing. */
const usersFile = () => storedFingerprint(store().dataDir, ['users']);
const aliceOnDisk = () => storedUser(store().dataDir, 'alice');

describe('profile edit load', () => {
	it('fills the form from the stored profile', async () => {
		await updateProfile(user.id, { fullName: 'Alice Liddell', bio: 'Hi', age: 7 });
		const record = await getUser(user.id);
		if (!record) throw new Error('alice vanished');
		const event = requestEvent('/profile/edit', { locals: { user: toUser(record), session } });
		expect(await load(event as Parameters<typeof load>[0])).toEqual({
			profile: { fullName: 'Alice Liddell', bio: 'Hi', age: 7 }
		});
	});

	it('sends a visitor to login', () => {
		const event = requestEvent('/profile/edit');
		expect(() => load(event as Parameters<typeof load>[0])).toThrow(
			expect.objectContaining({ status: 303, location: '/login?redirectTo=%2Fprofile%2Fedit' })
		);
	});
});

describe('save action', () => {
	it('stores the trimmed values on disk, sets the flash and redirects to /profile', async () => {
		const outcome = await save({
			fullName: '  Alice Liddell  ',
			bio: '  First line\r\nSecond line  ',
			age: ' 42 '
		});
		expect(outcome.status).toBe(303);
		expect(outcome.location).toBe('/profile');
		expect(flashOf(outcome)).toBe('Profile saved.');
		expect(await aliceOnDisk()).toMatchObject({
			fullName: 'Alice Liddell',
			bio: 'First line\nSecond line',
			age: 42
		});
	});

	it('accepts the limits: 100-character name, 1000-character bio, ages 0 and 150', async () => {
		const fullName = 'n'.repeat(100);
		const bio = 'b'.repeat(1000);
		expect((await save({ fullName, bio, age: '150' })).status).toBe(303);
		expect(await aliceOnDisk()).toMatchObject({ fullName, bio, age: 150 });
		expect((await save({ fullName: '', bio: '', age: '0' })).status).toBe(303);
		expect((await aliceOnDisk())?.age).toBe(0);
	});

	it('counts characters, not UTF-16 units: 100 emoji are a valid name', async () => {
		const fullName = '😀'.repeat(100);
		expect((await save({ fullName, bio: '', age: '' })).status).toBe(303);
		expect((await aliceOnDisk())?.fullName).toBe(fullName);
	});

	it('clears every field that is sent empty', async () => {
		await updateProfile(user.id, { fullName: 'Alice', bio: 'Bio', age: 30 });
		const { location } = await save({ fullName: '', bio: '', age: '' });
		expect(location).toBe('/profile');
		expect(await aliceOnDisk()).toMatchObject({ fullName: '', bio: '', age: null });
	});

	it.each([
		[
			'fullName',
			{ fullName: 'n'.repeat(101), bio: 'ok', age: '30' },
			'Use at most 100 characters.'
		],
		['fullName', { fullName: 'Bad\u0007Name', bio: '', age: '' }, /control characters/],
		[
			'bio',
			{ fullName: 'Alice', bio: 'b'.repeat(1001), age: '30' },
			'Use at most 1000 characters.'
		],
		['age', { fullName: 'Alice', bio: 'ok', age: '151' }, /whole number from 0 to 150/],
		['age', { fullName: 'Alice', bio: 'ok', age: '-1' }, /whole number from 0 to 150/],
		['age', { fullName: 'Alice', bio: 'ok', age: '1.5' }, /whole number from 0 to 150/],
		['age', { fullName: 'Alice', bio: 'ok', age: 'forty' }, /whole number from 0 to 150/],
		['age', { fullName: 'Alice', bio: 'ok', age: '1e2' }, /whole number from 0 to 150/]
	])(
		'refuses a bad %s with 400, refills everything and stores nothing',
		async (field, form, error) => {
			await updateProfile(user.id, { fullName: 'Before', bio: 'Before', age: 1 });
			const before = await usersFile();
			const { status, failure, jar } = await save(form);
			expect(status).toBe(400);
			expect(failure?.message).toBe('Please correct the marked fields.');
			expect(Object.keys(failure?.errors ?? {})).toEqual([field]);
			expect(failure?.errors[field]).toMatch(error);
			expect(failure?.values).toEqual(form);
			expect(jar.has('flash')).toBe(false);
			expect(await usersFile()).toBe(before);
			expect(await getUser(user.id)).toMatchObject({ fullName: 'Before', bio: 'Before', age: 1 });
		}
	);

	it('reports every bad field at once', async () => {
		const form = { fullName: 'n'.repeat(101), bio: 'b'.repeat(1001), age: '200' };
		const { status, failure } = await save(form);
		expect(status).toBe(400);
		expect(Object.keys(failure?.errors ?? {}).sort()).toEqual(['age', 'bio', 'fullName']);
		expect(failure?.values).toEqual(form);
	});

	it('ignores posted role, id, username and passwordHash', async () => {
		const before = await aliceOnDisk();
		const { location } = await save({
			fullName: 'Alice',
			bio: '',
			age: '',
			role: 'admin',
			id: 'someone-else',
			username: 'mallory',
			passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$forged$forged'
		});
		expect(location).toBe('/profile');
		const after = await aliceOnDisk();
		expect(after).toEqual({ ...before, fullName: 'Alice' });
		expect(after?.role).toBe('user');
		expect(await storedUsers(store().dataDir)).toHaveLength(1);
	});

	it('refuses a repeated field as a whole', async () => {
		const before = await usersFile();
		const { status } = await save({ fullName: ['Alice', 'Mallory'], bio: '', age: '' });
		expect(status).toBe(400);
		expect(await usersFile()).toBe(before);
	});

	it('sends a visitor to login and changes nothing', async () => {
		const before = await usersFile();
		const { status, location, jar } = await save({ fullName: 'Visitor', bio: '', age: '' }, false);
		expect(status).toBe(303);
		expect(location).toMatch(/^\/login\?/);
		expect(jar.has('flash')).toBe(false);
		expect(await usersFile()).toBe(before);
	});
});
