import fs from 'node:fs/promises';
import path from 'node:path';
import { store } from './store';

export const AUDIT_FILE = 'audit.log';

export interface AuditEntry {
	time: string;
	/** Who did it: a username, `cli`, or for a failed login the name that was tried. */
	actor: string;
	action: string;
	target: string | null;
	ip: string | null;
	/** What changed, where the action alone does not say (the new role). */
	detail?: string;
}

/**
 * Appends one JSON line to DATA_DIR/audit.log. JSON escapes newlines and control characters,
 * so nothing a person types can start a line of its own. Never pass a password or a token.
 */
export async function audit(entry: Omit<AuditEntry, 'time'>): Promise<void> {
	const line: AuditEntry = {
		time: new Date().toISOString(),
		actor: entry.actor.slice(0, 100),
		action: entry.action,
		target: entry.target?.slice(0, 100) ?? null,
		ip: entry.ip,
		...(entry.detail ? { detail: entry.detail.slice(0, 100) } : {})
	};
	const file = path.join(store().dataDir, AUDIT_FILE);
	try {
		await fs.appendFile(file, JSON.stringify(line) + '\n', { mode: 0o600 });
	} catch (error) {
		// The audit trail must not take sign-in down with it; the log still records the loss.
		console.error('Could not append to the audit log:', (error as Error).message);
	}
}

/** The newest entries first, read from the end of the file only. */
export async function latestAuditEntries(limit = 50): Promise<AuditEntry[]> {
	const file = path.join(store().dataDir, AUDIT_FILE);
	let handle: fs.FileHandle;
	try {
		handle = await fs.open(file, 'r');
	} catch {
		return [];
	}
	try {
		const { size } = await handle.stat();
		const length = Math.min(size, 256 * 1024);
		const buffer = Buffer.alloc(length);
		await handle.read(buffer, 0, length, size - length);
		const lines = buffer.toString('utf8').split('\n').filter(Boolean);
		if (length < size) lines.shift(); // the first line may be cut
		return lines
			.slice(-limit)
			.reverse()
			.flatMap((line) => {
				try {
					return [JSON.parse(line) as AuditEntry];
				} catch {
					return [];
				}
			});
	} finally {
		await handle.close();
	}
}
