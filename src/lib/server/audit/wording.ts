import type { AuditEntry } from '../store';

type Words = (actor: string, target: string, entry: AuditEntry) => string;

const role = (entry: AuditEntry) => (entry.detail === 'role admin' ? 'an admin' : 'a user');

/** How each action reads on the admin page; `actor` is already "The command line" for `cli`. */
const WORDS: Record<string, Words> = {
	'login.success': (actor) => `${actor} signed in`,
	'login.failure': (actor) => `Failed sign-in as ${actor}`,
	logout: (actor) => `${actor} signed out`,
	'account.signup': (actor, _, entry) =>
		entry.detail === 'role admin' ? `${actor} signed up as the first admin` : `${actor} signed up`,
	'account.delete': (actor) => `${actor} deleted their account`,
	'password.change': (actor) => `${actor} changed their password`,
	'password.reset': (actor) => `${actor} set a new password with a reset link`,
	'sessions.end-one': (actor) => `${actor} signed out one of their other sessions`,
	'sessions.end-others': (actor) => `${actor} signed out all their other sessions`,
	'admin.create-user': (actor, target, entry) => `${actor} created ${target} as ${role(entry)}`,
	'admin.set-role': (actor, target, entry) => `${actor} made ${target} ${role(entry)}`,
	'admin.end-sessions': (actor, target) => `${actor} signed ${target} out everywhere`,
	'admin.reset-link': (actor, target) => `${actor} made a password reset link for ${target}`,
	'admin.delete-user': (actor, target) => `${actor} deleted ${target}`
};

/** A sentence a person understands, for an action id like `admin.set-role`. */
export function describeAuditEntry(entry: AuditEntry): string {
	const actor = entry.actor === 'cli' ? 'The command line' : entry.actor;
	const target = entry.target ?? 'someone';
	const action = entry.action.startsWith('cli.') ? `admin.${entry.action.slice(4)}` : entry.action;
	const words = WORDS[action];
	return words
		? words(actor, target, entry)
		: `${actor}: ${entry.action}${entry.target ? ` (${target})` : ''}`;
}
