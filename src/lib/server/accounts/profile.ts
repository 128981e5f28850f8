import { store, users } from '../store';

export interface Profile {
	fullName: string;
	bio: string;
	age: number | null;
}

/** Changes only the profile fields of one user; nothing else a form might send. */
export async function updateProfile(userId: string, profile: Profile): Promise<void> {
	await store().update(async (tx) => {
		const user = await tx.of(users).get(userId);
		if (!user) throw new Error(`No user ${userId}`);
		await tx
			.of(users)
			.replace({ ...user, fullName: profile.fullName, bio: profile.bio, age: profile.age });
	});
}
