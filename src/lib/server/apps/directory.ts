import type { Session } from '../auth/sessions';
import {
	apps,
	groupMembers,
	groups,
	store,
	type AppRecord,
	type GroupRecord,
	type Transaction
} from '../store';
import type { User } from '../accounts/users';
import type { Visitor } from './access-rules';

/**
 * Who may enter which app is asked on every request of every protected app, so the apps, the
 * groups and who is in them are held in memory and read again at most this long after the last
 * read. A change made through this process is seen at once (`updateDirectory`); with PostgreSQL,
 * a change made on another instance is seen here within this time.
 */
const REFRESH_MS = 2_000;

/** Far more than a team has: the tables are read whole (`page` with this limit). */
export const ALL = 1_000_000_000;

export interface Directory {
	/** Longest claim first, so `/wiki/admin` wins over `/wiki` and both over the bare host. */
	apps: AppRecord[];
	groups: Map<string, GroupRecord>;
	/** The group ids of each person in at least one group. */
	groupsOf: Map<string, Set<string>>;
	/** The same groups by name, sorted, as `Remote-Groups` sends them: made once, not per request. */
	groupNamesOf: Map<string, string[]>;
}

const NO_GROUPS: ReadonlySet<string> = new Set();

let current: { directory: Directory; readAt: number } | null = null;
let reading: Promise<Directory> | null = null;
let generation = 0;

async function read(): Promise<Directory> {
	const reader = store();
	const [appPage, groupPage, memberPage] = await Promise.all([
		reader.of(apps).page({ offset: 0, limit: ALL }),
		reader.of(groups).page({ offset: 0, limit: ALL }),
		reader.of(groupMembers).page({ offset: 0, limit: ALL })
	]);
	const groupsOf = new Map<string, Set<string>>();
	for (const { userId, groupId } of memberPage.records) {
		const set = groupsOf.get(userId) ?? new Set<string>();
		set.add(groupId);
		groupsOf.set(userId, set);
	}
	const byId = new Map(groupPage.records.map((group) => [group.id, group]));
	const groupNamesOf = new Map(
		[...groupsOf].map(([userId, ids]) => [
			userId,
			[...ids].flatMap((id) => byId.get(id)?.name ?? []).sort()
		])
	);
	return {
		apps: appPage.records.sort((a, b) => b.claim.length - a.claim.length),
		groups: byId,
		groupsOf,
		groupNamesOf
	};
}

/** The apps and groups as they are now, give or take `REFRESH_MS` for other instances' changes. */
export async function directory(now = Date.now()): Promise<Directory> {
	if (current && now - current.readAt < REFRESH_MS) return current.directory;
	if (!reading) {
		const started = generation;
		const pending = read();
		reading = pending;
		void pending
			.then(
				(directory) => {
					// A change made while this read ran may be missing from it: keep it for no one.
					if (started === generation) current = { directory, readAt: now };
				},
				() => {}
			)
			.finally(() => {
				if (reading === pending) reading = null;
			});
	}
	return reading;
}

/** A change to apps, groups or who is in them: the next request reads them again. */
export async function updateDirectory<T>(change: (tx: Transaction) => Promise<T>): Promise<T> {
	try {
		return await store().update(change);
	} finally {
		generation++;
		current = null;
		reading = null;
	}
}

/**
 * What the access rules know of a signed-in person. The one place a `Visitor` is made (for
 * `/auth/verify` and the portal alike): a rule kind that needs more, such as a second factor of
 * the session, adds it here.
 */
export function visitorFor(
	directory: Directory,
	user: Pick<User, 'id' | 'role'>,
	session: Pick<Session, 'twoStep'>
): Visitor {
	return {
		isAdmin: user.role === 'admin',
		groupIds: directory.groupsOf.get(user.id) ?? NO_GROUPS,
		passedSecondStep: session.twoStep === 'passed'
	};
}

/** The app that claims this host and path, if any: a prefix matches whole path segments. */
export function appFor(directory: Directory, host: string, path: string): AppRecord | undefined {
	return directory.apps.find(
		(app) =>
			app.host === host &&
			(app.pathPrefix === '' || path === app.pathPrefix || path.startsWith(`${app.pathPrefix}/`))
	);
}
