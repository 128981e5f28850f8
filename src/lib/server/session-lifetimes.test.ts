import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useTempStore } from '../../../tests/helpers/store';
import { config } from './config';
import { createSession, generateSessionToken, validateSessionToken } from './session';
import { createUser, type User } from './users';

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

async function start(remember: boolean): Promise<{ token: string; t0: number }> {
	const token = generateSessionToken();
	const session = await createSession(token, alice.id, { ip: '', userAgent: '', remember });
	return { token, t0: Date.parse(session.createdAt) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('configured session lifetimes', () => {
	it('are read from the environment', () => {
		expect(config().session).toEqual({ idleSeconds: 120, absoluteSeconds: 300 });
		expect(config().rememberedSession).toEqual({ idleSeconds: 3600, absoluteSeconds: 7200 });
	});

	it('record activity every tenth of a short idle timeout', async () => {
		const { token, t0 } = await start(false);
		expect(validateSessionToken(token, t0 + 11_999)?.refreshed).toBe(false);
		const refreshed = validateSessionToken(token, t0 + 12_000);
		expect(refreshed?.refreshed).toBe(true);
		expect(refreshed?.session.expiresAt).toBe(iso(t0 + 12_000 + 120_000));
	});

	it('record activity at most once a minute for a long idle timeout', async () => {
		const { token, t0 } = await start(true);
		expect(validateSessionToken(token, t0 + 59_999)?.refreshed).toBe(false);
		expect(validateSessionToken(token, t0 + 60_000)?.session.expiresAt).toBe(
			iso(t0 + 60_000 + 3_600_000)
		);
	});

	it('end a session at the configured idle and absolute limits', async () => {
		const idle = await start(false);
		expect(validateSessionToken(idle.token, idle.t0 + 120_000)).toBeNull();

		const active = await start(false);
		for (let t = active.t0 + 100_000; t < active.t0 + 300_000; t += 100_000) {
			expect(validateSessionToken(active.token, t)?.session.expiresAt).toBe(
				iso(Math.min(t + 120_000, active.t0 + 300_000))
			);
		}
		expect(validateSessionToken(active.token, active.t0 + 299_999)).not.toBeNull();
		expect(validateSessionToken(active.token, active.t0 + 300_000)).toBeNull();
	});
});
