import { describe, expect, it } from 'vitest';
import { runAction } from '../../../../tests/helpers/actions';
import { gateStore } from '../../../../tests/helpers/gated-store';
import { useTempStore } from '../../../../tests/helpers/store';
import { actions as login } from '../../../routes/(public)/login/+page.server';
import { deleteAccount } from '../accounts/account-deletion';
import { changePassword, endAllSessions } from '../accounts/credentials';
import { createResetToken, resetPassword } from '../accounts/password-reset';
import { createUser } from '../accounts/users';
import { useStore } from '../store';
import { validateSessionToken } from './sessions';

/*
 * A login checks a password slowly (argon2), then makes a session. Whatever ends a person's
 * sessions or changes their password may land in between. These tests put the two in each order
 * that matters, deterministically, by holding one of them open: no session may come out of it
 * that works with credentials that are gone.
 */

const OLD = 'old pass phrase one';
const NEW = 'new pass phrase two';

describe.each(['json', 'postgres'] as const)('on the %s backend', (backend) => {
	const getStore = useTempStore(backend);

	async function setup() {
		const gate = gateStore(getStore());
		useStore(gate.store);
		await createUser('bystander', 'bystander pass phrase');
		const alice = await createUser('alice', OLD);
		return { gate, alice };
	}

	/** Logs in through the real form action; returns the session token it handed out, if any. */
	async function logIn(password: string) {
		const outcome = await runAction(login.default, '/login', {
			form: { username: 'alice', password }
		});
		return { outcome, token: outcome.jar.get('session')?.value || null };
	}

	async function works(token: string | null): Promise<boolean> {
		return token !== null && (await validateSessionToken(token)) !== null;
	}

	const context = {
		ip: '192.0.2.1',
		userAgent: 'test',
		remember: false,
		twoStep: 'not-used' as const
	};

	describe('a login with the old password racing a password change', () => {
		it('gets no working session when it finishes while the change is being saved', async () => {
			const { gate, alice } = await setup();
			// the change's write is on its way to disk, but not yet acknowledged
			const held = gate.hold(gate.started + 1, 'before-acknowledging');
			const change = changePassword(alice.id, NEW, { ...context, currentSessionId: 'none' });
			await held.reached;
			const raced = await logIn(OLD);
			held.release();
			await change;

			expect(await works(raced.token)).toBe(false);
			expect((await logIn(OLD)).token).toBeNull();
			expect(await works((await logIn(NEW)).token)).toBe(true);
		});

		it('gets no session when the change lands between its password check and its session', async () => {
			const { gate, alice } = await setup();
			// the login's changes: 1 counts the attempt, 2 makes the session
			const beforeSession = gate.hold(gate.started + 2, 'before-running');
			const racing = logIn(OLD);
			await beforeSession.reached;
			await changePassword(alice.id, NEW, { ...context, currentSessionId: 'none' });
			beforeSession.release();
			const raced = await racing;

			expect(raced.token).toBeNull();
			expect(raced.outcome.status).toBe(400);
			expect(raced.outcome.failure?.message).toContain('changed while you were signing in');
			expect(await works((await logIn(NEW)).token)).toBe(true);
		});
	});

	describe('the same rule for everything else that ends sessions', () => {
		it.each([
			['an admin ending all sessions', (id: string) => endAllSessions(id)],
			[
				'a reset link',
				async (id: string) => {
					const token = await createResetToken(id);
					await resetPassword(token, NEW);
				}
			],
			['deleting the account', (id: string) => deleteAccount(id)]
		])('%s between the password check and the session', async (_, endSessions) => {
			const { gate, alice } = await setup();
			const beforeSession = gate.hold(gate.started + 2, 'before-running');
			const racing = logIn(OLD);
			await beforeSession.reached;
			await endSessions(alice.id);
			beforeSession.release();
			const raced = await racing;
			expect(raced.token).toBeNull();
			expect(await works(raced.token)).toBe(false);
		});
	});
});
