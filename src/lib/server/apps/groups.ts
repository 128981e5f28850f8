import { randomUUID } from 'node:crypto';
import { GROUP_NAME_MAX } from '$lib/limits';
import type { Checked } from '../http/validation';
import {
	DuplicateKeyError,
	groupMembers,
	groups,
	store,
	type GroupRecord,
	type Transaction
} from '../store';
import { ALL, updateDirectory } from './directory';

/** Sent for every admin in `Remote-Groups`, so no group may take the name. */
export const ADMINS_GROUP = 'admins';

export class GroupTakenError extends Error {
	override name = 'GroupTakenError';
	constructor() {
		super('A group with this name exists already.');
	}
}

/** Names go into a comma-separated header: the same characters as usernames, never a comma. */
export function validateGroupName(raw: string): Checked<string> {
	const name = raw.trim().normalize('NFKC').toLowerCase();
	if (name === '') return { error: 'Enter a name for the group.' };
	if (!/^[a-z0-9_.-]+$/.test(name)) return { error: 'Use only letters a-z, digits and _ . -' };
	if (name.length > GROUP_NAME_MAX) return { error: `Use at most ${GROUP_NAME_MAX} characters.` };
	if (name === ADMINS_GROUP)
		return { error: 'Every admin is in "admins" already; pick another name.' };
	return { value: name };
}

export interface GroupSummary extends GroupRecord {
	members: number;
}

/** Every group by name, with how many people are in it. */
export async function listGroups(): Promise<GroupSummary[]> {
	// Two reads whatever the number of groups, rather than a count per group.
	const [groupPage, memberPage] = await Promise.all([
		store().of(groups).page({ offset: 0, limit: ALL }),
		store().of(groupMembers).page({ offset: 0, limit: ALL })
	]);
	const counts = new Map<string, number>();
	for (const { groupId } of memberPage.records) counts.set(groupId, (counts.get(groupId) ?? 0) + 1);
	return groupPage.records
		.map((group) => ({ ...group, members: counts.get(group.id) ?? 0 }))
		.sort((a, b) => a.name.localeCompare(b.name));
}

export async function createGroup(name: string): Promise<GroupRecord> {
	try {
		return await updateDirectory(async (tx) => {
			const group: GroupRecord = { id: randomUUID(), name, createdAt: new Date().toISOString() };
			await tx.of(groups).insert(group);
			return group;
		});
	} catch (error) {
		if (error instanceof DuplicateKeyError) throw new GroupTakenError();
		throw error;
	}
}

/** Removes the group and everyone's place in it; apps that named it stop letting its people in. */
export function deleteGroup(id: string): Promise<GroupRecord | undefined> {
	return updateDirectory(async (tx) => {
		const group = await tx.of(groups).get(id);
		if (!group) return undefined;
		await tx.of(groupMembers).removeBy('groupId', id);
		await tx.of(groups).remove(id);
		return group;
	});
}

/** The ids of the groups a person is in. */
export async function groupIdsOfUser(userId: string): Promise<string[]> {
	const rows = await store().of(groupMembers).listBy('userId', userId);
	return rows.map((row) => row.groupId);
}

export interface MembershipChange {
	added: GroupRecord[];
	removed: GroupRecord[];
}

/** Puts the person in exactly these groups (unknown ids are ignored); says what changed. */
export function setGroupsOfUser(userId: string, wanted: string[]): Promise<MembershipChange> {
	return updateDirectory(async (tx) => {
		const members = tx.of(groupMembers);
		const current = new Set((await members.listBy('userId', userId)).map((m) => m.groupId));
		const change: MembershipChange = { added: [], removed: [] };
		const keep = new Set(wanted);
		for (const groupId of keep) {
			if (current.has(groupId)) continue;
			const group = await tx.of(groups).get(groupId);
			if (!group) continue;
			await members.insert({ id: `${groupId}:${userId}`, groupId, userId });
			change.added.push(group);
		}
		for (const groupId of current) {
			if (keep.has(groupId)) continue;
			await members.remove(`${groupId}:${userId}`);
			const group = await tx.of(groups).get(groupId);
			if (group) change.removed.push(group);
		}
		return change;
	});
}

/** Inside the change that deletes an account (PostgreSQL also cascades). */
export async function removeMembershipsOf(tx: Transaction, userId: string): Promise<void> {
	await tx.of(groupMembers).removeBy('userId', userId);
}
