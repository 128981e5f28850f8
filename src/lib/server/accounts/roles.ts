import { store, users, type Role, type Transaction } from '../store';

/** There must always be someone who can manage the others. */
export class LastAdminError extends Error {
	override name = 'LastAdminError';
	constructor() {
		super('This is the only admin: make someone else an admin first.');
	}
}

/**
 * Throws unless removing `userId`'s admin role leaves another admin. Called inside the change
 * that demotes or deletes, so two admins removing each other at once cannot both pass.
 */
export async function ensureAnotherAdmin(tx: Transaction, userId: string): Promise<void> {
	const user = await tx.of(users).get(userId);
	if (user?.role === 'admin' && (await tx.of(users).countBy('role', 'admin')) <= 1) {
		throw new LastAdminError();
	}
}

/** Takes effect on the user's very next request: the role is read from the store each time. */
export async function setRole(userId: string, role: Role): Promise<void> {
	await store().update(async (tx) => {
		const user = await tx.of(users).get(userId);
		if (!user) throw new Error(`No user ${userId}`);
		if (user.role === role) return;
		if (role !== 'admin') await ensureAnotherAdmin(tx, userId);
		await tx.of(users).replace({ ...user, role });
	});
}
