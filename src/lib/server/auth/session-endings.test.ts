import { beforeEach, describe, expect, it } from 'vitest';
import { startSession, type StartedSession } from '../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../tests/helpers/store';
import { deleteAccount } from '../accounts/account-deletion';
import { changePassword, endOtherSessions } from '../accounts/credentials';
import { createUser, type User } from '../accounts/users';
import { endingOf } from './session-endings';
import { endSession, removeExpiredSessions } from './sessions';

useTempStore();

const DAY = 86_400_000;
let alice: User;
let laptop: StartedSession;
let phone: StartedSession;

beforeEach(async () => {
	// bob, the first account, is the admin, so alice's account may be deleted
	await createUser('bob', 'another fine password');
	alice = await createUser('alice', 'correct horse battery staple');
	laptop = await startSession(alice.id);
	phone = await startSession(alice.id);
});

describe('why a session ended', () => {
	it('is "password-changed" for every other session when the password changes', async () => {
		await changePassword(alice.id, 'a brand new passphrase', {
			ip: '127.0.0.1',
			userAgent: 'vitest',
			remember: false,
			twoStep: 'not-used',
			currentSessionId: laptop.session.id
		});
		expect(await endingOf(phone.token)).toBe('password-changed');
	});

	it('is "signed-out-everywhere" for the others, and nothing for the one kept', async () => {
		await endOtherSessions(alice.id, laptop.session.id);
		expect(await endingOf(phone.token)).toBe('signed-out-everywhere');
		expect(await endingOf(laptop.token)).toBeNull();
	});

	it('is "ended-elsewhere" for one session ended from another device; a logout leaves none', async () => {
		await endSession(phone.session.id, 'ended-elsewhere');
		await endSession(laptop.session.id);
		expect(await endingOf(phone.token)).toBe('ended-elsewhere');
		expect(await endingOf(laptop.token)).toBeNull();
	});

	it('is "account-deleted" after the account is deleted', async () => {
		await deleteAccount(alice.id);
		expect(await endingOf(laptop.token)).toBe('account-deleted');
	});

	it('is forgotten after a day and swept with the expired sessions', async () => {
		await endOtherSessions(alice.id, laptop.session.id);
		const later = Date.now() + DAY + 1000;
		expect(await endingOf(phone.token, later)).toBeNull();
		await removeExpiredSessions(later);
		expect(await endingOf(phone.token)).toBeNull();
	});

	it('is nothing for a token that is not one', async () => {
		expect(await endingOf('not a token')).toBeNull();
	});
});
