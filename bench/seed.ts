import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import postgres from 'postgres';
import { ARGON2_OPTIONS } from '../src/lib/server/auth/password';
import { generateSessionToken, sessionIdFromToken } from '../src/lib/server/auth/session-tokens';
import { PostgresStore } from '../src/lib/server/store/backends/postgres/postgres-store';
import type {
	AppRecord,
	GroupMemberRecord,
	GroupRecord,
	SessionRecord,
	UserRecord
} from '../src/lib/server/store';
import { columnName } from '../src/lib/server/store/table-mapping';
import { registerTools, storeContents } from '../src/lib/server/tool';
import { installedTools } from '../src/lib/server/tools';

export const BENCH_PASSWORD = 'bench horse battery staple';

/** The protected app `/auth/verify` is asked about: only the group user 0 is in may enter. */
export const BENCH_APP_URL = 'https://app.bench.test/dashboards/1?from=now-1h';

export interface Seeded {
	/** A valid session token of user 0, for authenticated requests. */
	token: string;
	username: string;
	/** The one argon2id hash every seeded user has. */
	passwordHash: string;
}

/**
 * `count` users and `count` sessions (one each), in the app's record format. One real argon2id
 * hash is reused for every user: hashing 100,000 passwords would take an hour.
 */
async function records(count: number) {
	const passwordHash = await hash(BENCH_PASSWORD, ARGON2_OPTIONS);
	const now = Date.now();
	const users: UserRecord[] = [];
	const sessions: SessionRecord[] = [];
	let token = '';
	for (let i = 0; i < count; i++) {
		const id = randomUUID();
		users.push({
			id,
			username: `user${i}`,
			passwordHash,
			role: i === 0 ? 'admin' : 'user',
			createdAt: new Date(now - (count - i) * 1000).toISOString(),
			fullName: `Bench User ${i}`,
			bio: '',
			age: null,
			passwordReset: null,
			credentialVersion: 0
		});
		const sessionToken = generateSessionToken();
		if (i === 0) token = sessionToken;
		sessions.push({
			id: sessionIdFromToken(sessionToken),
			userId: id,
			createdAt: new Date(now).toISOString(),
			lastActiveAt: new Date(now).toISOString(),
			expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
			remember: true,
			ip: '127.0.0.1',
			userAgent: 'bench',
			credentialVersion: 0,
			twoStep: 'not-used'
		});
	}
	return {
		users,
		sessions,
		...forwardAuth(users[0]?.id ?? '', new Date(now).toISOString()),
		seeded: { token, username: 'user0', passwordHash }
	};
}

/** One app for a group, a second group, and user 0 in the first: what verify looks through. */
function forwardAuth(userId: string, createdAt: string) {
	const groups: GroupRecord[] = [
		{ id: randomUUID(), name: 'bench', createdAt },
		{ id: randomUUID(), name: 'others', createdAt }
	];
	const groupId = groups[0]?.id ?? '';
	const apps: AppRecord[] = [
		{
			id: randomUUID(),
			name: 'Bench app',
			host: new URL(BENCH_APP_URL).host,
			pathPrefix: '',
			claim: new URL(BENCH_APP_URL).host,
			url: new URL('/', BENCH_APP_URL).href,
			access: { kind: 'groups', groupIds: [groupId] },
			createdAt
		}
	];
	const groupMembers: GroupMemberRecord[] = [{ id: `${groupId}:${userId}`, groupId, userId }];
	return { apps, groups, groupMembers };
}

/** Written straight into the JSON files, as a server would have left them. */
export async function seedFiles(dataDir: string, count: number): Promise<Seeded> {
	const { users, sessions, apps, groups, groupMembers, seeded } = await records(count);
	await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
	const write = (name: string, key: string, rows: object[]) =>
		fs.writeFile(
			path.join(dataDir, name),
			`{"${key}": [\n${rows.map((row) => JSON.stringify(row)).join(',\n')}\n]}\n`,
			{ mode: 0o600 }
		);
	await write('users.json', 'users', users);
	await write('sessions.json', 'sessions', sessions);
	await write('apps.json', 'apps', apps);
	await write('groups.json', 'groups', groups);
	await write('group-members.json', 'groupMembers', groupMembers);
	return seeded;
}

const snake = (row: object) =>
	Object.fromEntries(Object.entries(row).map(([key, value]) => [columnName(key), value]));

/** Inserted into a fresh database (schema made by the app's own migrations), in bulk. */
export async function seedDatabase(databaseUrl: string, count: number): Promise<Seeded> {
	const { users, sessions, apps, groups, groupMembers, seeded } = await records(count);
	registerTools(installedTools);
	const { collections, migrations } = storeContents();
	await (await PostgresStore.open(databaseUrl, collections, migrations)).close();
	const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
	try {
		for (const [table, rows] of [
			['users', users],
			['sessions', sessions],
			['apps', apps.map((app) => ({ ...app, access: sql.json({ ...app.access }) }))],
			['groups', groups],
			['group_members', groupMembers]
		] as const) {
			for (let start = 0; start < rows.length; start += 5000) {
				await sql`insert into ${sql(table)} ${sql(rows.slice(start, start + 5000).map(snake))}`;
			}
		}
		await sql`analyze`;
	} finally {
		await sql.end();
	}
	return seeded;
}
