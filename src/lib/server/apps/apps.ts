import { randomUUID } from 'node:crypto';
import { apps, DuplicateKeyError, store, type AppRecord } from '../store';
import type { AppInput } from './app-fields';
import { ALL, updateDirectory } from './directory';

/** The name or the host and path is another app's already. */
export class AppTakenError extends Error {
	override name = 'AppTakenError';
	constructor(readonly field: 'name' | 'host') {
		super(
			field === 'name'
				? 'Another app has this name.'
				: 'Another app already claims this host and path.'
		);
	}
}

/** Every app, by name. */
export async function listApps(): Promise<AppRecord[]> {
	const { records } = await store().of(apps).page({ offset: 0, limit: ALL });
	return records.sort((a, b) => a.name.localeCompare(b.name));
}

export function getApp(id: string): Promise<AppRecord | undefined> {
	return store().of(apps).get(id);
}

/** Saves a new app (no `id`) or the app with this id; the app as saved, or undefined if gone. */
export async function saveApp(input: AppInput, id?: string): Promise<AppRecord | undefined> {
	const claim = input.host + input.pathPrefix;
	try {
		return await updateDirectory(async (tx) => {
			const table = tx.of(apps);
			const existing = id === undefined ? undefined : await table.get(id);
			if (id !== undefined && !existing) return undefined;
			const byName = await table.getBy('name', input.name);
			if (byName && byName.id !== id) throw new AppTakenError('name');
			const byClaim = await table.getBy('claim', claim);
			if (byClaim && byClaim.id !== id) throw new AppTakenError('host');
			const record: AppRecord = {
				...input,
				id: existing?.id ?? randomUUID(),
				claim,
				createdAt: existing?.createdAt ?? new Date().toISOString()
			};
			if (existing) await table.replace(record);
			else await table.insert(record);
			return record;
		});
	} catch (error) {
		// Two admins adding the same app at once: the unique keys refuse the second.
		if (error instanceof DuplicateKeyError) throw new AppTakenError('host');
		throw error;
	}
}

export function deleteApp(id: string): Promise<AppRecord | undefined> {
	return updateDirectory(async (tx) => {
		const app = await tx.of(apps).get(id);
		if (app) await tx.of(apps).remove(id);
		return app;
	});
}
