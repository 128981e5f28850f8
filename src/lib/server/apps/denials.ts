import { audit } from '../audit/audit';

/** A refused person is written to the audit trail once per app in this time, however often they try. */
const QUIET_MS = 10 * 60_000;
/** Past this many remembered refusals the oldest are forgotten: memory stays bounded. */
const MAX_REMEMBERED = 10_000;

const lastNoted = new Map<string, number>();

/**
 * Notes that `username` was refused entry to `target` (an app's name, or a host no app claims),
 * unless the same refusal was noted within `QUIET_MS`: a page that keeps reloading, or its
 * images, would otherwise fill the trail. Per process: each instance notes its own first one.
 */
export async function noteDenial(
	username: string,
	target: string,
	ip: string,
	now = Date.now()
): Promise<void> {
	const key = `${username}\n${target}`;
	const last = lastNoted.get(key);
	if (last !== undefined && now - last < QUIET_MS) return;
	lastNoted.delete(key);
	lastNoted.set(key, now);
	if (lastNoted.size > MAX_REMEMBERED) {
		const oldest = lastNoted.keys().next().value;
		if (oldest !== undefined) lastNoted.delete(oldest);
	}
	await audit({ actor: username, action: 'access.denied', target, ip });
}
