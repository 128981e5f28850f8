import fs from 'node:fs/promises';
import type { AuditEntry, AuditTrail } from '../../store';

const CHUNK = 64 * 1024;

/**
 * The audit trail as JSON lines in DATA_DIR/audit.log, appended through one long-lived handle.
 * JSON escapes newlines and control characters, so nothing a person types can start a line.
 */
export class AuditFile implements AuditTrail {
	#handle: Promise<fs.FileHandle> | null = null;

	constructor(readonly filePath: string) {}

	async append(entry: AuditEntry): Promise<void> {
		try {
			this.#handle ??= fs.open(this.filePath, 'a', 0o600);
			await (await this.#handle).write(JSON.stringify(entry) + '\n');
		} catch (error) {
			this.#handle = null;
			// The audit trail must not take sign-in down with it; the log still records the loss.
			console.error('Could not append to the audit log:', (error as Error).message);
		}
	}

	/** Newest first, read from the end of the file only as far as the page needs. */
	async page(offset: number, limit: number): Promise<{ entries: AuditEntry[]; more: boolean }> {
		let handle: fs.FileHandle;
		try {
			handle = await fs.open(this.filePath, 'r');
		} catch {
			return { entries: [], more: false };
		}
		const lines: string[] = [];
		try {
			let position = (await handle.stat()).size;
			let carry = Buffer.alloc(0);
			while (position > 0 && lines.length <= offset + limit) {
				const length = Math.min(CHUNK, position);
				position -= length;
				const chunk = Buffer.alloc(length);
				await handle.read(chunk, 0, length, position);
				const data = Buffer.concat([chunk, carry]);
				let end = data.length;
				for (let i = data.length - 1; i >= 0; i--) {
					if (data[i] !== 0x0a) continue;
					if (i + 1 < end) lines.push(data.subarray(i + 1, end).toString('utf8'));
					end = i;
				}
				carry = data.subarray(0, end);
			}
			if (position === 0 && carry.length > 0) lines.push(carry.toString('utf8'));
		} finally {
			await handle.close();
		}
		const entries = lines.slice(offset, offset + limit).flatMap((line) => {
			try {
				return [JSON.parse(line) as AuditEntry];
			} catch {
				return [];
			}
		});
		return { entries, more: lines.length > offset + limit };
	}

	async close(): Promise<void> {
		const handle = this.#handle;
		this.#handle = null;
		await (await handle?.catch(() => null))?.close();
	}
}
