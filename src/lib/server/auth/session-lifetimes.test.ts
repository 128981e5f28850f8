import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSession } from '../../../../tests/helpers/sessions';
import { useTempStore } from '../../../../tests/helpers/store';
import { createUser, type User } from '../accounts/users';
import { config } from '../config';
import { validateSessionToken } from './sessions';

// config() reads the environment once per module instance; this file has its own instance.
beforeAll(() => {
	vi.stubEnv('SESSION_IDLE_SECONDS', '120');
	vi.stubEnv('SESSION_ABSOLUTE_SECONDS', '300');
	vi.stubEnv('SESSION_REMEMBER_IDLE_SECONDS', '3600');
	vi.stubEnv('SESSION_REMEMBER_ABSOLUTE_SECONDS', '7200');
});

afterAll(() => {
	vi.unstubAllEnvs();
});

useTempStore();

let alice: User;

beforeEach(async () => {
	alice = await createUser('alice', 'correct horse battery staple');
});

/** Sessions start at a fixed time: the tests pass the clock, they never wait. */
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

async function start(remember: boolean): Promise<{ token: string; t0: number }> {
	const { token } = await startSession(alice.id, { ip: '', userAgent: '', remember }, T0);
	return { token, t0: T0 };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('configured session lifetimes', () => {
	it('are read from the environment', () => {
		expect(config().session).toEqual({ idleSeconds: 120, absoluteSeconds: 300 });
		expect(config().rememberedSession).toEqual({ idleSeconds: 3600, absoluteSeconds: 7200 });
	});

	it('record activity every tenth of a short idle timeout', async () => {
		const { token, t0 } = await start(false);
		expect((await validateSessionToken(token, t0 + 11_999))?.refreshed).toBe(false);
		const refreshed = await validateSessionToken(token, t0 + 12_000);
		expect(refreshed?.refreshed).toBe(true);
		expect(refreshed?.session.expiresAt).toBe(iso(t0 + 12_000 + 120_000));
	});

	it('record activity at most once a minute for a long idle timeout', async () => {
		const { token, t0 } = await start(true);
		expect((await validateSessionToken(token, t0 + 59_999))?.refreshed).toBe(false);
		expect((await validateSessionToken(token, t0 + 60_000))?.session.expiresAt).toBe(
			iso(t0 + 60_000 + 3_600_000)
		);
	});

	it('end a session at the configured idle and absolute limits', async () => {
		const idle = await start(false);
		expect(await validateSessionToken(idle.token, idle.t0 + 120_000)).toBeNull();

		const active = await start(false);
		for (let t = active.t0 + 100_000; t < active.t0 + 300_000; t += 100_000) {
			expect((await validateSessionToken(active.token, t))?.session.expiresAt).toBe(
				iso(Math.min(t + 120_000, active.t0 + 300_000))
			);
		}
		expect(await validateSessionToken(active.token, active.t0 + 299_999)).not.toBeNull();
		expect(await validateSessionToken(active.token, active.t0 + 300_000)).toBeNull();
	});
});
