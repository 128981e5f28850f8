import { store, type AuditEntry } from '../store';

export type { AuditEntry } from '../store';

/**
 * Records one event in the audit trail. Never pass a password, a token or a secret: the trail is
 * shown to admins. Names and targets are cut to a sane length.
 */
export async function audit(entry: Omit<AuditEntry, 'time'>): Promise<void> {
	await store().audit.append({
		time: new Date().toISOString(),
		actor: entry.actor.slice(0, 100),
		action: entry.action,
		target: entry.target?.slice(0, 100) ?? null,
		ip: entry.ip,
		...(entry.detail ? { detail: entry.detail.slice(0, 100) } : {})
	});
}

/** One page of the trail, newest first. */
export async function auditPage(page: number, perPage: number) {
	const current = Number.isFinite(page) ? Math.max(1, Math.trunc(page)) : 1;
	const { entries, more } = await store().audit.page((current - 1) * perPage, perPage);
	return { entries, page: current, more };
}
