import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { ARGON2_OPTIONS } from '../src/lib/server/auth/password';

export const BENCH_PASSWORD = 'bench horse battery staple';

const base32 = (bytes: Buffer) => {
	const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
	let bits = 0;
	let value = 0;
	let out = '';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += alphabet[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	return out;
};

export interface Seeded {
	/** A valid session token of user 0, for authenticated requests. */
	token: string;
	username: string;
	/** The one argon2id hash every seeded user has. */
	passwordHash: string;
}

/**
 * Writes `count` users and `count` sessions straight into the files, in the app's format. One
 * real argon2id hash is reused for every user: hashing 100,000 passwords would take an hour.
 */
export async function seed(dataDir: string, count: number): Promise<Seeded> {
	await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
	const passwordHash = await hash(BENCH_PASSWORD, ARGON2_OPTIONS);
	const now = Date.now();
	const users: string[] = [];
	const sessions: string[] = [];
	let token = '';
	for (let i = 0; i < count; i++) {
		const id = randomUUID();
		users.push(
			JSON.stringify({
				id,
				username: `user${i}`,
				passwordHash,
				role: i === 0 ? 'admin' : 'user',
				createdAt: new Date(now - i * 1000).toISOString(),
				fullName: `Bench User ${i}`,
				bio: '',
				age: null,
				passwordReset: null
			})
		);
		const sessionToken = base32(randomBytes(20));
		if (i === 0) token = sessionToken;
		sessions.push(
			JSON.stringify({
				id: createHash('sha256').update(sessionToken).digest('hex'),
				userId: id,
				createdAt: new Date(now).toISOString(),
				lastActiveAt: new Date(now).toISOString(),
				expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
				remember: true,
				ip: '127.0.0.1',
				userAgent: 'bench'
			})
		);
	}
	const write = (name: string, key: string, lines: string[]) =>
		fs.writeFile(path.join(dataDir, name), `{"${key}": [\n${lines.join(',\n')}\n]}\n`, {
			mode: 0o600
		});
	await write('users.json', 'users', users);
	await write('sessions.json', 'sessions', sessions);
	return { token, username: 'user0', passwordHash };
}
