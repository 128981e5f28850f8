import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal, sealWithTime, unseal, unsealWithTime } from './sealed';
import { useSecretKey } from './secret-key';

beforeAll(() => useSecretKey(randomBytes(32)));
afterAll(() => useSecretKey(null));

describe('sealed values', () => {
	it('open only for the purpose they were sealed for, under the same key', () => {
		const sealed = seal('totp-key', 'the secret');
		expect(sealed).not.toContain('secret');
		expect(unseal('totp-key', sealed)).toBe('the secret');
		expect(unseal('handover', sealed)).toBeNull();
		useSecretKey(randomBytes(32));
		expect(unseal('totp-key', sealed)).toBeNull();
	});

	it('refuse any change, truncation or garbage', () => {
		const sealed = seal('purpose', 'value');
		const bytes = Buffer.from(sealed, 'base64url');
		for (let i = 0; i < bytes.length; i++) {
			const changed = Buffer.from(bytes);
			changed[i] = (changed[i] ?? 0) ^ 1;
			expect(unseal('purpose', changed.toString('base64url'))).toBeNull();
		}
		expect(unseal('purpose', sealed.slice(0, -2))).toBeNull();
		expect(unseal('purpose', '')).toBeNull();
		expect(unseal('purpose', 'not base64 at all!')).toBeNull();
	});

	it('expire after their lifetime when sealed with the time', () => {
		const now = 1_700_000_000_000;
		const sealed = sealWithTime('two-step', { userId: 'u1' }, now);
		expect(unsealWithTime('two-step', sealed, 300_000, now + 299_000)).toEqual({ userId: 'u1' });
		expect(unsealWithTime('two-step', sealed, 300_000, now + 301_000)).toBeNull();
	});
});
