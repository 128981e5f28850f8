import { listUsers } from '../accounts/users';
import { listUserSessions } from '../auth/sessions';

const USERS_PER_PAGE = 50;

export interface UserRow {
	id: string;
	username: string;
	fullName: string;
	role: string;
	createdAt: string;
	lastActiveAt: string | null;
	activeSessions: number;
}

/** One page of the admin users table, with each person's live sessions and last activity. */
export async function userTable(search: string, page: number, now = Date.now()) {
	const result = await listUsers(search, page, USERS_PER_PAGE);
	const rows: UserRow[] = [];
	for (const user of result.users) {
		const live = (await listUserSessions(user.id)).filter(
			(session) => Date.parse(session.expiresAt) > now
		);
		rows.push({
			id: user.id,
			username: user.username,
			fullName: user.fullName,
			role: user.role,
			createdAt: user.createdAt,
			lastActiveAt: live.reduce<string | null>(
				(latest, session) =>
					latest === null || session.lastActiveAt > latest ? session.lastActiveAt : latest,
				null
			),
			activeSessions: live.length
		});
	}
	return { rows, total: result.total, page: result.page, pages: result.pages };
}
