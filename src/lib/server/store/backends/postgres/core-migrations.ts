import type { Migration } from '../../migration';

/** The core's tables. Constraints carry the invariants; every look-up the app makes has an index. */
export const CORE_MIGRATIONS: readonly Migration[] = [
	{
		id: 'core-001-users-sessions-limits-audit',
		sql: `
			create table users (
				id text primary key,
				-- stored normalised (NFKC, lower case), so unique means unique as people see it
				username text not null unique check (username ~ '^[a-z0-9_.-]{1,64}$'),
				password_hash text not null,
				role text not null check (role in ('user', 'admin')),
				created_at timestamptz not null,
				full_name text not null default '',
				bio text not null default '',
				age integer check (age is null or age >= 0),
				password_reset jsonb,
				credential_version integer not null default 0
			);
			create index users_by_role on users (role);
			create index users_newest on users (created_at, id);

			create table sessions (
				id text primary key check (id ~ '^[0-9a-f]{64}$'),
				user_id text not null references users (id) on delete cascade,
				created_at timestamptz not null,
				last_active_at timestamptz not null,
				expires_at timestamptz not null,
				remember boolean not null,
				ip text not null default '',
				user_agent text not null default '',
				credential_version integer not null default 0
			);
			create index sessions_by_user on sessions (user_id);
			create index sessions_by_expiry on sessions (expires_at);

			create table limits (
				id text primary key,
				hits jsonb not null,
				expires_at timestamptz not null
			);
			create index limits_by_expiry on limits (expires_at);

			create table audit (
				seq bigserial primary key,
				time timestamptz not null,
				actor text not null,
				action text not null,
				target text,
				ip text,
				detail text
			);
		`
	},
	{
		// Why a session ended (password changed elsewhere, signed out everywhere), kept a day so
		// the login page can say so. Keyed by the ended session's id, which outlives its row.
		id: 'core-002-session-endings',
		sql: `
			create table session_endings (
				id text primary key check (id ~ '^[0-9a-f]{64}$'),
				reason text not null
					check (reason in ('password-changed', 'signed-out-everywhere', 'ended-elsewhere', 'account-deleted')),
				expires_at timestamptz not null
			);
			create index session_endings_by_expiry on session_endings (expires_at);
		`
	},
	{
		// Second factors. Each row goes with its user (cascade), like sessions. A session notes
		// whether its sign-in passed a second factor; older sessions used a password alone.
		id: 'core-003-two-step',
		sql: `
			alter table sessions add column two_step text not null default 'not-used'
				check (two_step in ('not-used', 'passed', 'setup-required'));

			-- An admin removing someone's factors signs them out with that reason.
			alter table session_endings drop constraint session_endings_reason_check;
			alter table session_endings add constraint session_endings_reason_check
				check (reason in ('password-changed', 'signed-out-everywhere', 'ended-elsewhere', 'account-deleted', 'two-step-reset'));

			create table authenticators (
				id text primary key references users (id) on delete cascade,
				sealed_key text not null,
				created_at timestamptz not null,
				last_used_step bigint not null default 0
			);

			create table recovery_codes (
				id text primary key references users (id) on delete cascade,
				hashes jsonb not null,
				created_at timestamptz not null
			);

			create table passkeys (
				id text primary key,
				user_id text not null references users (id) on delete cascade,
				name text not null check (length(name) between 1 and 64),
				public_key text not null,
				counter bigint not null default 0,
				transports jsonb not null default '[]',
				created_at timestamptz not null,
				last_used_at text not null default ''
			);
			create index passkeys_by_user on passkeys (user_id);

			create table webauthn_challenges (
				id text primary key,
				purpose text not null check (purpose in ('register', 'sign-in')),
				user_id text not null default '',
				expires_at timestamptz not null
			);
			create index webauthn_challenges_by_expiry on webauthn_challenges (expires_at);
		`
	},
	{
		// Forward authentication: the apps behind the proxy, groups and who is in them. A person's
		// memberships go with their account, a group's with the group. `access` is a jsonb rule
		// whose kinds the app checks (apps/access-rules.ts), so a new kind needs no migration.
		id: 'core-004-forward-auth',
		sql: `
			create table apps (
				id text primary key,
				name text not null unique,
				host text not null check (host = lower(host) and host <> ''),
				path_prefix text not null default '' check (path_prefix = '' or path_prefix ~ '^/.*[^/]$'),
				claim text not null unique,
				url text not null,
				access jsonb not null,
				created_at timestamptz not null
			);
			create index apps_newest on apps (created_at, id);

			create table groups (
				id text primary key,
				name text not null unique check (name ~ '^[a-z0-9_.-]{1,64}$'),
				created_at timestamptz not null
			);
			create index groups_newest on groups (created_at, id);

			create table group_members (
				id text primary key,
				group_id text not null references groups (id) on delete cascade,
				user_id text not null references users (id) on delete cascade,
				check (id = group_id || ':' || user_id)
			);
			create index group_members_by_group on group_members (group_id);
			create index group_members_by_user on group_members (user_id);
		`
	}
];
