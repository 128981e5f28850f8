import { verify } from '@node-rs/argon2';

/** Verifies per second with `concurrency` in flight, as the server allows: the ceiling for logins. */
export async function rawVerifyThroughput(
	passwordHash: string,
	password: string,
	seconds: number,
	concurrency = 2
): Promise<number> {
	const deadline = performance.now() + seconds * 1000;
	let done = 0;
	const worker = async () => {
		while (performance.now() < deadline) {
			await verify(passwordHash, password);
			done++;
		}
	};
	const started = performance.now();
	await Promise.all(Array.from({ length: concurrency }, worker));
	return done / ((performance.now() - started) / 1000);
}
