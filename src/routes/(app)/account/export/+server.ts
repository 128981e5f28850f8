import { json } from '@sveltejs/kit';
import { getChat, listChats } from '$lib/server/chat/chats';
import { requireUser } from '$lib/server/guards';
import { listUserSessions } from '$lib/server/session';
import { describeUserAgent } from '$lib/user-agent';
import type { RequestHandler } from './$types';

/** The person's own data as a download: never a password hash or a token digest. */
export const GET: RequestHandler = (event) => {
	const { user, session: current } = requireUser(event);
	const data = {
		exportedAt: new Date().toISOString(),
		profile: {
			username: user.username,
			fullName: user.fullName,
			bio: user.bio,
			age: user.age,
			role: user.role,
			memberSince: user.createdAt
		},
		sessions: listUserSessions(user.id).map((session) => ({
			thisDevice: session.id === current.id,
			startedAt: session.createdAt,
			lastActiveAt: session.lastActiveAt,
			expiresAt: session.expiresAt,
			rememberMe: session.remember,
			device: describeUserAgent(session.userAgent),
			userAgent: session.userAgent,
			ip: session.ip
		})),
		chats: listChats(user.id).map((summary) => {
			const chat = getChat(user.id, summary.id);
			return { title: summary.title, createdAt: chat?.createdAt, messages: chat?.messages ?? [] };
		})
	};
	return json(data, {
		headers: {
			'content-disposition': `attachment; filename="gatehouse-${user.username}.json"`,
			'cache-control': 'no-store'
		}
	});
};
