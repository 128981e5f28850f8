import { store } from './store';
import { listUsers } from './users';

export const USERS_PER_PAGE = 50;

export interface UserRow {
	id: string;
	username: string;
	fullName: string;
	role: string;
	createdAt: string;
	lastActiveAt: string | null;
	activeSessions: number;
}

/** Session counts and last activity per user, in one pass over the sessions. */
function sessionSummary(now: number): Map<string, { count: number; lastActiveAt: string }> {
	const summary = new Map<string, { count: number; lastActiveAt: string }>();
	for (const session of store().sessions.values()) {
		if (Date.parse(session.expiresAt) <= now) continue;
		const entry = summary.get(session.userId);
		if (!entry) summary.set(session.userId, { count: 1, lastActiveAt: session.lastActiveAt });
		else {
			entry.count++;
			if (session.lastActiveAt > entry.lastActiveAt) entry.lastActiveAt = session.lastActiveAt;
		}
	}
	return summary;
}

/** One page of the admin users table. */
export function userTable(search: string, page: number, now = Date.now()) {
	const result = listUsers(search, page, USERS_PER_PAGE);
	const summary = sessionSummary(now);
	const rows: UserRow[] = result.users.map((user) => ({
		id: user.id,
		username: user.username,
		fullName: user.fullName,
		role: user.role,
		createdAt: user.createdAt,
		lastActiveAt: summary.get(user.id)?.lastActiveAt ?? null,
		activeSessions: summary.get(user.id)?.count ?? 0
	}));
	return { rows, total: result.total, page: result.page, pages: result.pages };
}
