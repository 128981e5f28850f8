import { beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../../../tests/helpers/actions';
import { requestEvent } from '../../../../tests/helpers/request-event';
import { useTempStore } from '../../../../tests/helpers/store';
import { storedSessions } from '../../../../tests/helpers/stored';
import { createUser } from '$lib/server/accounts/users';
import { sessionIdFromToken } from '$lib/server/auth/session-tokens';
import { actions, load } from './+page.server';

const store = useTempStore();
const sessionsOnDisk = () => storedSessions(store().dataDir);

beforeEach(async () => {
	await createUser('alice', 'correct horse');
});

function submit(form: Record<string, string>, url = '/login') {
	return runAction(actions.default, url, { form });
}

describe('login action', () => {
	it('starts a session for the right password, whatever the username case', async () => {
		const { location, jar } = await submit({ username: ' ALICE ', password: 'correct horse' });
		expect(location).toBe('/home');
		const token = jar.get('session');
		expect(token?.value).toMatch(/^[a-z2-7]{32}$/);
		expect(token?.options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/' });
		const [session, ...others] = await sessionsOnDisk();
		expect(others).toEqual([]);
		expect(session?.id).toBe(sessionIdFromToken(token?.value ?? ''));
		expect(session?.remember).toBe(false);
	});

	it('keeps a remembered session longer', async () => {
		await submit({ username: 'alice', password: 'correct horse', remember: 'on' });
		const [session] = await sessionsOnDisk();
		expect(session?.remember).toBe(true);
		const lifetime = Date.parse(session?.expiresAt ?? '') - Date.parse(session?.createdAt ?? '');
		expect(lifetime).toBe(604_800_000);
	});

	it('gives the same answer for a wrong password and an unknown user', async () => {
		const wrong = await submit({ username: 'alice', password: 'wrong horse' });
		const unknown = await submit({ username: 'nobody', password: 'correct horse' });
		expect(wrong.status).toBe(400);
		expect(unknown.status).toBe(400);
		expect(wrong.failure?.message).toBe('Incorrect username or password');
		expect(unknown.failure).toEqual({ ...wrong.failure, values: { username: 'nobody' } });
		expect(wrong.jar.size + unknown.jar.size).toBe(0);
		expect(await sessionsOnDisk()).toEqual([]);
	});

	it('warns two attempts before the pause, alike for an unknown user', async () => {
		for (let attempt = 0; attempt < 7; attempt++) {
			const { failure } = await submit({ username: 'alice', password: 'wrong horse' });
			expect(failure?.message).toBe('Incorrect username or password');
		}
		const wrong = await submit({ username: 'alice', password: 'wrong horse' });
		expect(wrong.failure?.message).toBe(
			'Incorrect username or password. 2 attempts left before a 15-minute pause.'
		);
		for (let attempt = 0; attempt < 7; attempt++) {
			await submit({ username: 'nobody', password: 'wrong horse' });
		}
		const unknown = await submit({ username: 'nobody', password: 'wrong horse' });
		expect(unknown.failure).toEqual({ ...wrong.failure, values: { username: 'nobody' } });
	});

	it('asks for missing fields without checking any password', async () => {
		const { status, failure } = await submit({ username: '', password: '' });
		expect(status).toBe(400);
		expect(failure?.errors).toEqual({
			username: 'Enter your username.',
			password: 'Enter your password.'
		});
	});

	it('sends a signed-in person on to /home', () => {
		const event = requestEvent('/login', {
			locals: {
				user: {
					id: 'x',
					username: 'alice',
					role: 'user',
					createdAt: '',
					fullName: '',
					bio: '',
					age: null
				}
			}
		});
		expect(() => load(event as Parameters<typeof load>[0])).toThrow(
			expect.objectContaining({ status: 303, location: '/home' })
		);
	});
});
