import { audit } from '../audit/audit';
import type { AppRecord } from '../store';

/** A refused person is written to the audit trail once per app in this time, however often they try. */
const QUIET_MS = 10 * 60_000;
/** Past this many remembered refusals the oldest are forgotten: memory stays bounded. */
const MAX_REMEMBERED = 10_000;

const lastNoted = new Map<string, number>();

/**
 * Notes that `username` was refused entry to `app` (or, with none, to `host`, which no app
 * claims), unless the same refusal was noted within `QUIET_MS`: a page that keeps reloading, or
 * its images, would otherwise fill the trail. Hosts no app claims share one note per person, so
 * made-up host names cannot fill it either. Per process: each instance notes its own first one.
 */
export async function noteDenial(
	username: string,
	app: AppRecord | undefined,
	host: string,
	ip: string,
	now = Date.now()
): Promise<void> {
	const key = `${username}\n${app?.id ?? ''}`;
	const last = lastNoted.get(key);
	if (last !== undefined && now - last < QUIET_MS) return;
	lastNoted.delete(key);
	lastNoted.set(key, now);
	if (lastNoted.size > MAX_REMEMBERED) {
		const oldest = lastNoted.keys().next().value;
		if (oldest !== undefined) lastNoted.delete(oldest);
	}
	await audit({ actor: username, action: 'access.denied', target: app?.name ?? host, ip });
}
