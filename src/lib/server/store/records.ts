import { isAccessKind, type AccessRule } from '../apps/access-rules';
import type { Collection, Fail } from './collection';
import { FACTOR_COLLECTIONS } from './factor-records';
import { asObject, optionalText, text, timestamp, wholeNumber } from './parse';

export type Role = 'user' | 'admin';

export interface UserRecord {
	id: string;
	/** Normalised (NFKC, lower case); also the unique key. */
	username: string;
	/** argon2id PHC string. */
	passwordHash: string;
	role: Role;
	createdAt: string;
	fullName: string;
	bio: string;
	age: number | null;
	/** An outstanding one-time reset link: only the SHA-256 of its secret is kept. */
	passwordReset: PasswordReset | null;
	/**
	 * Goes up whenever the password changes or the person's sessions are ended. A session is made
	 * for, and only valid with, the version current when it was created.
	 */
	credentialVersion: number;
}

export interface PasswordReset {
	secretHash: string;
	expiresAt: string;
}

export interface SessionRecord {
	/** SHA-256 of the session token, hex. The token itself is never stored. */
	id: string;
	userId: string;
	createdAt: string;
	lastActiveAt: string;
	expiresAt: string;
	remember: boolean;
	ip: string;
	userAgent: string;
	/** The user's credentialVersion when the session was created. */
	credentialVersion: number;
	/** How the sign-in that made this session stood with second factors. */
	twoStep: SessionTwoStep;
}

const TWO_STEP_STATES = ['not-used', 'passed', 'setup-required'] as const;

/**
 * 'passed': signed in with a second factor (or a passkey, which is both). 'not-used': a password
 * alone, and nothing required more. 'setup-required': the operator requires a second factor this
 * person does not have yet; the session reaches only the pages that set one up.
 */
export type SessionTwoStep = (typeof TWO_STEP_STATES)[number];

const END_REASONS = [
	'password-changed',
	'signed-out-everywhere',
	'ended-elsewhere',
	'account-deleted',
	'two-step-reset'
] as const;

/** Why a session ended while its cookie lived on, to tell the person at their next request. */
export type SessionEndReason = (typeof END_REASONS)[number];

export interface SessionEndingRecord {
	/** The ended session's id (the SHA-256 of its token): the cookie still carries that token. */
	id: string;
	reason: SessionEndReason;
	/** Kept about a day: long enough for the person's next visit to hear why. */
	expiresAt: string;
}

/** Recent events of one sliding-window key, e.g. failed logins for one username. */
export interface LimitRecord {
	/** `<rule>:<key>`, e.g. `login-user:alice`. */
	id: string;
	/** Epoch milliseconds, oldest first; never more than the rule allows. */
	hits: number[];
	/** When the newest hit leaves its window: the record can go. */
	expiresAt: string;
}

function parseUserRecord(value: unknown, fail: Fail): UserRecord {
	const record = asObject(value, fail);
	const role = record.role;
	if (role !== 'user' && role !== 'admin') fail('"role" must be "user" or "admin"');
	const age = record.age ?? null;
	if (age !== null && (typeof age !== 'number' || !Number.isInteger(age) || age < 0)) {
		fail('"age" must be a whole number or null');
	}
	const reset = record.passwordReset ?? null;
	let passwordReset: PasswordReset | null = null;
	if (reset !== null) {
		const fields = asObject(reset, (problem) => fail(`"passwordReset" is ${problem}`));
		passwordReset = {
			secretHash: text(fields, 'secretHash', fail),
			expiresAt: timestamp(fields, 'expiresAt', fail)
		};
	}
	return {
		id: text(record, 'id', fail),
		username: text(record, 'username', fail),
		passwordHash: text(record, 'passwordHash', fail),
		role,
		createdAt: timestamp(record, 'createdAt', fail),
		fullName: optionalText(record, 'fullName', fail),
		bio: optionalText(record, 'bio', fail),
		age,
		passwordReset,
		// Records written before versions existed are at version 0, like their sessions.
		credentialVersion: wholeNumber(record, 'credentialVersion', 0, fail)
	};
}

function parseSessionRecord(value: unknown, fail: Fail): SessionRecord {
	const record = asObject(value, fail);
	const id = text(record, 'id', fail);
	if (!/^[0-9a-f]{64}$/.test(id)) fail('"id" must be a SHA-256 hex digest');
	if (typeof record.remember !== 'boolean') fail('"remember" must be true or false');
	return {
		id,
		userId: text(record, 'userId', fail),
		createdAt: timestamp(record, 'createdAt', fail),
		lastActiveAt: timestamp(record, 'lastActiveAt', fail),
		expiresAt: timestamp(record, 'expiresAt', fail),
		remember: record.remember,
		ip: optionalText(record, 'ip', fail),
		userAgent: optionalText(record, 'userAgent', fail),
		credentialVersion: wholeNumber(record, 'credentialVersion', 0, fail),
		// Sessions made before second factors existed used a password alone.
		twoStep:
			TWO_STEP_STATES.find((state) => state === (record.twoStep ?? 'not-used')) ??
			fail(`"twoStep" must be one of ${TWO_STEP_STATES.join(', ')}`)
	};
}

function parseSessionEndingRecord(value: unknown, fail: Fail): SessionEndingRecord {
	const record = asObject(value, fail);
	const reason = END_REASONS.find((known) => known === record.reason);
	if (!reason) fail(`"reason" must be one of ${END_REASONS.join(', ')}`);
	return {
		id: text(record, 'id', fail),
		reason,
		expiresAt: timestamp(record, 'expiresAt', fail)
	};
}

/** Limit records written before they carried an expiry are kept a week past their last hit. */
const LEGACY_LIMIT_KEEP_MS = 7 * 86_400_000;

function parseLimitRecord(value: unknown, fail: Fail): LimitRecord {
	const record = asObject(value, fail);
	const hits = record.hits;
	if (!Array.isArray(hits) || !hits.every((hit) => Number.isFinite(hit))) {
		fail('"hits" must be a list of times');
	}
	const times = hits as number[];
	return {
		id: text(record, 'id', fail),
		hits: times,
		expiresAt:
			record.expiresAt === undefined
				? new Date(Math.max(0, ...times) + LEGACY_LIMIT_KEEP_MS).toISOString()
				: timestamp(record, 'expiresAt', fail)
	};
}

export const users: Collection<UserRecord, 'username', 'role'> = {
	name: 'users',
	fileName: 'users.json',
	parse: parseUserRecord,
	unique: ['username'],
	indexes: ['role'],
	table: {
		columns: {
			id: 'text',
			username: 'text',
			passwordHash: 'text',
			role: 'text',
			createdAt: 'timestamptz',
			fullName: 'text',
			bio: 'text',
			age: 'integer',
			passwordReset: 'jsonb',
			credentialVersion: 'integer'
		},
		newest: 'createdAt'
	}
};

export const sessions: Collection<SessionRecord, never, 'userId'> = {
	name: 'sessions',
	fileName: 'sessions.json',
	parse: parseSessionRecord,
	unique: [],
	indexes: ['userId'],
	expires: 'expiresAt',
	table: {
		columns: {
			id: 'text',
			userId: 'text',
			createdAt: 'timestamptz',
			lastActiveAt: 'timestamptz',
			expiresAt: 'timestamptz',
			remember: 'boolean',
			ip: 'text',
			userAgent: 'text',
			credentialVersion: 'integer',
			twoStep: 'text'
		},
		newest: 'createdAt'
	}
};

/** Sliding-window counters, kept so that a restart does not reset them. */
export const limits: Collection<LimitRecord> = {
	name: 'limits',
	fileName: 'limits.json',
	parse: parseLimitRecord,
	unique: [],
	indexes: [],
	expires: 'expiresAt',
	table: {
		columns: { id: 'text', hits: 'jsonb', expiresAt: 'timestamptz' },
		newest: 'expiresAt'
	}
};

/** Sessions that ended by someone's action, so the login page can say why. */
export const sessionEndings: Collection<SessionEndingRecord> = {
	name: 'sessionEndings',
	fileName: 'session-endings.json',
	parse: parseSessionEndingRecord,
	unique: [],
	indexes: [],
	expires: 'expiresAt',
	table: {
		columns: { id: 'text', reason: 'text', expiresAt: 'timestamptz' },
		newest: 'expiresAt'
	}
};

/** Another web app behind the same reverse proxy, which asks `/auth/verify` who may enter. */
export interface AppRecord {
	id: string;
	/** Unique, as people see it on the portal. */
	name: string;
	/** Lower case, with the port when it is not the default one: `grafana.example.com`. */
	host: string;
	/** '' for the whole host, else a path such as `/wiki` (without a trailing slash). */
	pathPrefix: string;
	/** `host` + `pathPrefix`: what the app claims, unique, so two apps never claim the same. */
	claim: string;
	/** Where the portal's tile leads. */
	url: string;
	access: AccessRule;
	createdAt: string;
}

/** A named set of people, for access rules and the proxy's `Remote-Groups`. */
export interface GroupRecord {
	id: string;
	/** Normalised like usernames; unique. */
	name: string;
	createdAt: string;
}

/** One person in one group. */
export interface GroupMemberRecord {
	/** `<groupId>:<userId>`: a person is in a group once. */
	id: string;
	groupId: string;
	userId: string;
}

function parseAppRecord(value: unknown, fail: Fail): AppRecord {
	const record = asObject(value, fail);
	const access = asObject(record.access, (problem) => fail(`"access" is ${problem}`));
	if (!isAccessKind(access.kind)) fail('"access.kind" is not a known rule');
	const groupIds = access.groupIds ?? [];
	if (!Array.isArray(groupIds) || !groupIds.every((id) => typeof id === 'string')) {
		fail('"access.groupIds" must be a list of ids');
	}
	return {
		id: text(record, 'id', fail),
		name: text(record, 'name', fail),
		host: text(record, 'host', fail),
		pathPrefix: optionalText(record, 'pathPrefix', fail),
		claim: text(record, 'claim', fail),
		url: text(record, 'url', fail),
		access: { kind: access.kind, groupIds: groupIds as string[] },
		createdAt: timestamp(record, 'createdAt', fail)
	};
}

function parseGroupRecord(value: unknown, fail: Fail): GroupRecord {
	const record = asObject(value, fail);
	return {
		id: text(record, 'id', fail),
		name: text(record, 'name', fail),
		createdAt: timestamp(record, 'createdAt', fail)
	};
}

function parseGroupMemberRecord(value: unknown, fail: Fail): GroupMemberRecord {
	const record = asObject(value, fail);
	const groupId = text(record, 'groupId', fail);
	const userId = text(record, 'userId', fail);
	if (record.id !== `${groupId}:${userId}`) fail('"id" must be "<groupId>:<userId>"');
	return { id: `${groupId}:${userId}`, groupId, userId };
}

export const apps: Collection<AppRecord, 'name' | 'claim'> = {
	name: 'apps',
	fileName: 'apps.json',
	parse: parseAppRecord,
	unique: ['name', 'claim'],
	indexes: [],
	table: {
		columns: {
			id: 'text',
			name: 'text',
			host: 'text',
			pathPrefix: 'text',
			claim: 'text',
			url: 'text',
			access: 'jsonb',
			createdAt: 'timestamptz'
		},
		newest: 'createdAt'
	}
};

export const groups: Collection<GroupRecord, 'name'> = {
	name: 'groups',
	fileName: 'groups.json',
	parse: parseGroupRecord,
	unique: ['name'],
	indexes: [],
	table: {
		columns: { id: 'text', name: 'text', createdAt: 'timestamptz' },
		newest: 'createdAt'
	}
};

export const groupMembers: Collection<GroupMemberRecord, never, 'groupId' | 'userId'> = {
	name: 'groupMembers',
	fileName: 'group-members.json',
	parse: parseGroupMemberRecord,
	unique: [],
	indexes: ['groupId', 'userId'],
	table: {
		columns: { id: 'text', groupId: 'text', userId: 'text' },
		newest: 'id'
	}
};

/** What every Gatehouse keeps, whatever tools are installed. */
export const CORE_COLLECTIONS = [
	users,
	sessions,
	limits,
	sessionEndings,
	...FACTOR_COLLECTIONS,
	apps,
	groups,
	groupMembers
] as const;
