import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { codeForStep, manualEntryKey, matchingStep, newTotpKey, stepAt, totpKeyUri } from './totp';

/** RFC 6238, appendix B: the SHA-1 seed and its 8-digit codes at the listed times. */
const RFC_SEED = new TextEncoder().encode('12345678901234567890');
const RFC_VECTORS: [number, string][] = [
	[59, '94287082'],
	[1111111109, '07081804'],
	[1111111111, '14050471'],
	[1234567890, '89005924'],
	[2000000000, '69279037'],
	[20000000000, '65353130']
];

describe('authenticator codes (RFC 6238)', () => {
	it.each(RFC_VECTORS)('at %i seconds the code is %s', (seconds, code) => {
		expect(codeForStep(RFC_SEED, stepAt(seconds * 1000), 8)).toBe(code);
	});

	it('agrees with an independent implementation on 6-digit codes for random keys', () => {
		for (let i = 0; i < 20; i++) {
			const key = newTotpKey();
			const now = Date.UTC(2026, 10, 23) + i * 7_919_000;
			const other = new TOTP({ secret: new Secret({ buffer: key.slice().buffer }) });
			expect(codeForStep(key, stepAt(now))).toBe(other.generate({ timestamp: now }));
		}
	});

	it('accepts one step of drift either way and nothing further', () => {
		const key = newTotpKey();
		const now = 1_700_000_000_000;
		const step = stepAt(now);
		for (const offset of [-1, 0, 1]) {
			expect(matchingStep(key, codeForStep(key, step + offset), now, 0)).toEqual({
				step: step + offset
			});
		}
		for (const offset of [-3, -2, 2, 3]) {
			expect(matchingStep(key, codeForStep(key, step + offset), now, 0)).toBeNull();
		}
	});

	it('refuses a code of a step already used, and anything not 6 digits', () => {
		const key = newTotpKey();
		const now = 1_700_000_000_000;
		const step = stepAt(now);
		expect(matchingStep(key, codeForStep(key, step), now, step)).toEqual({ replayed: true });
		expect(matchingStep(key, codeForStep(key, step - 1), now, step)).toEqual({ replayed: true });
		expect(matchingStep(key, codeForStep(key, step + 1), now, step)).toEqual({ step: step + 1 });
		for (const bad of ['', '12345', '1234567', 'abcdef', '12 456', '١٢٣٤٥٦']) {
			expect(matchingStep(key, bad, now, 0)).toBeNull();
		}
	});

	it('describes the key for apps: an otpauth URI and base32 in groups of four', () => {
		const key = new Uint8Array(20).fill(0xff);
		const uri = new URL(totpKeyUri('Gatehouse', 'alice@team.example', key));
		expect(uri.protocol).toBe('otpauth:');
		expect(uri.searchParams.get('secret')).toBe('7'.repeat(32));
		expect(uri.searchParams.get('issuer')).toBe('Gatehouse');
		expect(uri.searchParams.get('digits')).toBe('6');
		expect(uri.searchParams.get('period')).toBe('30');
		expect(manualEntryKey(key)).toBe('7777 '.repeat(8).trim());
	});
});
