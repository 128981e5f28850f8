import type { AuditEntry } from '../store';

type Words = (actor: string, target: string, entry: AuditEntry) => string;

/** "a passkey", "an authenticator app", "a recovery code". */
const withArticle = (what: string) => (/^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`);

const role = (entry: AuditEntry) => (entry.detail === 'role admin' ? 'an admin' : 'a user');

/** How each action reads on the admin page; `actor` is already "The command line" for `cli`. */
const WORDS: Record<string, Words> = {
	'login.success': (actor, _, entry) =>
		`${actor} signed in${entry.detail ? ` with ${withArticle(entry.detail)}` : ''}`,
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
	'admin.delete-user': (actor, target) => `${actor} deleted ${target}`,
	'admin.reset-two-step': (actor, target) =>
		`${actor} removed the second factors of ${target} and signed them out`,
	'login.passkey-refused': (actor, _, entry) =>
		`${actor.startsWith('(') ? 'Refused sign-in with an unknown passkey' : `Refused passkey sign-in as ${actor}`}${entry.detail ? ` (${entry.detail})` : ''}`,
	'two-step.wrong-code': (actor, _, entry) => `Wrong ${entry.detail ?? 'code'} for ${actor}`,
	'two-step.recovery-code-used': (actor, _, entry) =>
		`${actor} signed in with a recovery code${entry.detail ? ` (${entry.detail})` : ''}`,
	'two-step.recovery-codes-created': (actor) => `${actor} created new recovery codes`,
	'two-step.authenticator-added': (actor) => `${actor} switched on an authenticator app`,
	'two-step.authenticator-removed': (actor) => `${actor} switched off their authenticator app`,
	'two-step.passkey-added': (actor, _, entry) =>
		`${actor} added a passkey${entry.detail ? ` ("${entry.detail}")` : ''}`,
	'two-step.passkey-renamed': (actor, _, entry) =>
		`${actor} renamed a passkey${entry.detail ? ` to "${entry.detail}"` : ''}`,
	'two-step.passkey-removed': (actor, _, entry) =>
		`${actor} removed a passkey${entry.detail ? ` ("${entry.detail}")` : ''}`,
	'apps.create': (actor, target) => `${actor} added the app ${target}`,
	'apps.update': (actor, target) => `${actor} changed the app ${target}`,
	'apps.delete': (actor, target) => `${actor} removed the app ${target}`,
	'groups.create': (actor, target) => `${actor} created the group ${target}`,
	'groups.delete': (actor, target) => `${actor} deleted the group ${target}`,
	'groups.add-member': (actor, target, entry) =>
		`${actor} added ${target} to the group ${entry.detail ?? '?'}`,
	'groups.remove-member': (actor, target, entry) =>
		`${actor} removed ${target} from the group ${entry.detail ?? '?'}`,
	'access.denied': (actor, target) => `${actor} was refused entry to ${target}`
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
