import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password';

const PHC = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;

describe('hashPassword', () => {
	it('makes an argon2id PHC string with m=19456, t=2, p=1 and a fresh salt', async () => {
		const [first, second] = await Promise.all([
			hashPassword('correct horse battery staple'),
			hashPassword('correct horse battery staple')
		]);
		expect(first).toMatch(PHC);
		expect(second).toMatch(PHC);
		expect(first).not.toBe(second);
	});
});

describe('verifyPassword', () => {
	it('accepts the right password and refuses a wrong one', async () => {
		const passwordHash = await hashPassword('correct horse battery staple');
		expect(await verifyPassword(passwordHash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(passwordHash, 'correct horse battery stapl')).toBe(false);
		expect(await verifyPassword(passwordHash, 'Correct horse battery staple')).toBe(false);
		expect(await verifyPassword(passwordHash, '')).toBe(false);
	});

	it.each([
		['an empty string', ''],
		['plain text', 'not a hash'],
		['a damaged argon2 string', '$argon2id$v=19$m=19456,t=2,p=1$garbage'],
		['a bcrypt hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy']
	])('returns false, without throwing, for %s', async (_, passwordHash) => {
		await expect(verifyPassword(passwordHash, 'password')).resolves.toBe(false);
	});

	it('still verifies hashes made with other parameters', async () => {
		const older = await hash('an older password', { memoryCost: 8192, timeCost: 1 });
		expect(await verifyPassword(older, 'an older password')).toBe(true);
		expect(await verifyPassword(older, 'another password')).toBe(false);
	});

	it('uses passwords exactly as typed: NFC and NFD forms differ', async () => {
		const nfc = 'caf\u00e9 \u00fcber \u{1f510} passw\u00f6rd';
		const nfd = nfc.normalize('NFD');
		expect(nfd).not.toBe(nfc);
		const passwordHash = await hashPassword(nfc);
		expect(await verifyPassword(passwordHash, nfc)).toBe(true);
		expect(await verifyPassword(passwordHash, nfd)).toBe(false);
	});

	it('answers every one of many concurrent checks correctly', async () => {
		const passwordHash = await hashPassword('queue me');
		const attempts = ['queue me', 'wrong', 'queue me', 'also wrong', 'queue me', 'queue me!'];
		const results = await Promise.all(attempts.map((pw) => verifyPassword(passwordHash, pw)));
		expect(results).toEqual([true, false, true, false, true, false]);
	});
});

describe('verifyAgainstDummy', () => {
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
	async function millis(work: () => Promise<unknown>): Promise<number> {
		const start = performance.now();
		await work();
		return performance.now() - start;
	}

	it('returns false, whatever the password', async () => {
		expect(await verifyAgainstDummy('gatehouse-dummy-password-for-timing')).toBe(false);
		expect(await verifyAgainstDummy('anything')).toBe(false);
	});

	it('takes as long as checking a wrong password against a real hash', async () => {
		const passwordHash = await hashPassword('correct horse battery staple');
		await verifyAgainstDummy('warm up: the dummy hash is made on first use');
		const real: number[] = [];
		const dummy: number[] = [];
		// Interleaved, so a machine that gets busier part-way slows both alike.
		for (let i = 0; i < 7; i++) {
			real.push(await millis(() => verifyPassword(passwordHash, `wrong ${i}`)));
			dummy.push(await millis(() => verifyAgainstDummy(`wrong ${i}`)));
		}
		// Generous bounds for a loaded machine; skipping argon2 would be a thousand times faster.
		expect(median(dummy)).toBeGreaterThan(median(real) / 3);
		expect(median(dummy)).toBeLessThan(median(real) * 3);
	});

	it('waits for a hashing slot like every other hash', async () => {
		await verifyAgainstDummy('warm up: the dummy hash is made on first use');
		const finished: string[] = [];
		// More hashes than there are slots (MAX_CONCURRENT_HASHES), all started first.
		const busy = Array.from({ length: 4 }, (_, i) =>
			hashPassword(`busy ${i}`).then(() => finished.push('hash'))
		);
		const dummy = verifyAgainstDummy('anything').then(() => finished.push('dummy'));
		await Promise.all([...busy, dummy]);
		expect(finished).toHaveLength(5);
		expect(finished[0]).toBe('hash');
	});
});
