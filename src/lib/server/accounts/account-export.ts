import { describeUserAgent } from '$lib/user-agent';
import { listUserSessions } from '../auth/sessions';
import { factorsOf } from '../auth/two-step/factors';
import { registeredTools } from '../tool';
import type { User } from './users';

/** The person's own data as a download: never a password hash or a token digest. */
export async function exportAccount(user: User, currentSessionId: string) {
	const tools: Record<string, unknown> = {};
	for (const tool of registeredTools()) {
		if (tool.exportUserData) tools[tool.name] = await tool.exportUserData(user.id);
	}
	return {
		exportedAt: new Date().toISOString(),
		profile: {
			username: user.username,
			fullName: user.fullName,
			bio: user.bio,
			age: user.age,
			role: user.role,
			memberSince: user.createdAt
		},
		sessions: (await listUserSessions(user.id)).map((session) => ({
			thisDevice: session.id === currentSessionId,
			startedAt: session.createdAt,
			lastActiveAt: session.lastActiveAt,
			expiresAt: session.expiresAt,
			rememberMe: session.remember,
			device: describeUserAgent(session.userAgent),
			userAgent: session.userAgent,
			ip: session.ip
		})),
		// Names and dates only: keys, public keys and code hashes stay out of the file.
		twoStep: await factorsOf(user.id).then(({ authenticator, passkeys, recoveryCodesLeft }) => ({
			authenticatorApp: authenticator && { addedAt: authenticator.createdAt },
			passkeys: passkeys.map(({ name, createdAt, lastUsedAt }) => ({
				name,
				addedAt: createdAt,
				lastUsedAt: lastUsedAt || null
			})),
			recoveryCodesLeft
		})),
		...tools
	};
}
