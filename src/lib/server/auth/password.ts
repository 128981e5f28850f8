import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP's argon2id baseline (m=19 MiB, t=2, p=1). Changing these only affects new hashes:
 * existing ones carry their own parameters in the PHC string and still verify.
 */
export const ARGON2_OPTIONS = {
	algorithm: 2, // Argon2id; the package's `Algorithm` is a const enum, which isolated modules cannot import
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1
} as const;

/** More hashes in flight than cores only queues them and starves file writes of libuv threads. */
const MAX_CONCURRENT_HASHES = 2;
/** Beyond this many waiting, a flood gets "busy" at once instead of holding memory and sockets. */
const MAX_WAITING_HASHES = 200;

export class HashQueueFullError extends Error {
	override name = 'HashQueueFullError';
	constructor() {
		super('Too many sign-ins at once. Please try again in a moment.');
	}
}

let running = 0;
const waiting: Array<() => void> = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
	if (running >= MAX_CONCURRENT_HASHES) {
		if (waiting.length >= MAX_WAITING_HASHES) throw new HashQueueFullError();
		await new Promise<void>((resolve) => waiting.push(resolve));
	} else {
		running++;
	}
	try {
		return await work();
	} finally {
		const next = waiting.shift();
		if (next) next();
		else running--;
	}
}

export function hashPassword(password: string): Promise<string> {
	return withHashSlot(() => hash(password, ARGON2_OPTIONS));
}

/** False for a wrong password and for a hash this code cannot read; never throws for either. */
export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	return withHashSlot(() => verify(passwordHash, password).catch(() => false));
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same time as a real verify, so that "no such user" and "wrong password"
 * cannot be told apart by timing. The dummy hash is made once, outside the queue, so a busy
 * moment can never leave unknown names failing differently from known ones.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hash('gatehouse-dummy-password-for-timing', ARGON2_OPTIONS).catch((error) => {
		dummyHash = null;
		throw error;
	});
	await verifyPassword(await dummyHash, password);
	return false;
}
