import { describe, expect, it, vi } from 'vitest';
import { runAction } from '../../../../tests/helpers/actions';
import { useTempStore } from '../../../../tests/helpers/store';
import { readStored, storedSessions, storedUsers } from '../../../../tests/helpers/stored';
import { users } from '$lib/server/store';
import { actions } from './+page.server';

// Every request here comes from one address: the per-address signup limit is tested elsewhere.
vi.stubEnv('SIGNUP_MAX_PER_IP', '1000');

const store = useTempStore();
const usersOnDisk = () => storedUsers(store().dataDir);
const userCount = () => store().of(users).count();

function submit(form: Record<string, string | string[] | Blob>, url = '/signup') {
	return runAction(actions.default, url, { form });
}

const good = { username: '  Alice ', password: 'correct horse', confirmPassword: 'correct horse' };

describe('signup action', () => {
	it('creates the user on disk, signs them in and redirects to /home', async () => {
		const { location, jar } = await submit(good);
		expect(location).toBe('/home');
		expect(jar.get('session')?.value).toMatch(/^[a-z2-7]{32}$/);
		const onDisk = await usersOnDisk();
		expect(onDisk).toHaveLength(1);
		expect(onDisk[0]?.username).toBe('alice');
		expect(onDisk[0]?.passwordHash).toMatch(/^\$argon2id\$/);
		expect(await storedSessions(store().dataDir)).toHaveLength(1);
	});

	it('honours a safe redirectTo and ignores an unsafe one', async () => {
		expect((await submit(good, '/signup?redirectTo=%2Fhome%3Fwelcome%3D1')).location).toBe(
			'/home?welcome=1'
		);
		const other = { ...good, username: 'bob' };
		expect((await submit(other, '/signup?redirectTo=%2F%2Fevil.example')).location).toBe('/home');
	});

	it('refuses a taken name in another case with 400 and keeps one record', async () => {
		await submit(good);
		const { status, failure } = await submit({ ...good, username: 'ALICE' });
		expect(status).toBe(400);
		expect(failure?.errors.username).toBe('That username is already taken.');
		expect(await userCount()).toBe(1);
	});

	it('counts a signup refused for a taken name against the address, like any other', async () => {
		const signupHits = async () =>
			(await readStored(store().dataDir)).limits.find(({ id }) => id === 'signup-ip:127.0.0.1')
				?.hits.length ?? 0;
		await submit(good);
		expect(await signupHits()).toBe(1);
		expect((await submit(good)).status).toBe(400);
		expect(await signupHits()).toBe(2);
		// A form refused before any signup is tried does not count.
		expect((await submit({ ...good, confirmPassword: 'other' })).status).toBe(400);
		expect(await signupHits()).toBe(2);
	});

	it('lets exactly one of 20 concurrent signups for one name succeed', async () => {
		const outcomes = await Promise.all(
			Array.from({ length: 20 }, (_, i) => submit({ ...good, username: i % 2 ? 'Racer' : 'racer' }))
		);
		expect(outcomes.filter((outcome) => outcome.location === '/home')).toHaveLength(1);
		expect(outcomes.filter((outcome) => outcome.status === 400)).toHaveLength(19);
		expect(await usersOnDisk()).toHaveLength(1);
	});

	it('reports every bad field, refills the username and never returns a password', async () => {
		const { status, failure } = await submit({
			username: 'x',
			password: 'short',
			confirmPassword: 'other'
		});
		expect(status).toBe(400);
		expect(failure?.errors).toEqual({
			username: 'Use 3 to 32 characters.',
			password: 'Use at least 8 characters.',
			confirmPassword: 'The passwords do not match.'
		});
		expect(failure?.values).toEqual({ username: 'x' });
		expect(JSON.stringify(failure)).not.toContain('short');
		expect(await userCount()).toBe(0);
	});

	it.each([
		['a repeated field', { ...good, username: ['alice', 'bob'] }],
		['a file instead of text', { ...good, username: new File(['x'], 'x.txt') }]
	])('refuses %s with 400 and stores nothing', async (_label, form) => {
		const { status, failure } = await submit(form);
		expect(status).toBe(400);
		expect(failure?.message).toMatch(/username/);
		expect(await userCount()).toBe(0);
	});
});
