import { deleteAccount } from '../src/lib/server/accounts/account-deletion';
import { createResetToken, resetPath } from '../src/lib/server/accounts/password-reset';
import { setRole } from '../src/lib/server/accounts/roles';
import { resetTwoStep } from '../src/lib/server/admin/two-step-reset';
import { createUser, findUserByUsername, listUsers } from '../src/lib/server/accounts/users';
import { audit } from '../src/lib/server/audit/audit';
import { config } from '../src/lib/server/config';
import { describeWait } from '../src/lib/server/http/rate-limit';
import { validateNewPassword, validateUsername } from '../src/lib/server/http/validation';
import { readArguments, runCommand, UsageError, withStore } from './cli';
import { promptHidden, readStdin } from './prompt';

const USAGE = `Usage: npm run users -- <command>

Commands (DATA_DIR or DATABASE_URL as for the server; with the JSON files, every command but
list needs the server stopped):
  list                                  List all users (works while the server runs).
  create <username> [--admin]           Create a user; asks for the password, or reads it
         [--password-stdin]             from standard input with --password-stdin.
  set-role <username> <user|admin>      Change a user's role.
  reset-password <username>             Print a one-time link to set a new password
         [--origin https://host]        (the link's origin: --origin, else ORIGIN).
  reset-two-step <username>             Remove a user's second factors and recovery codes
                                        (a lost phone) and sign them out everywhere.
  delete <username>                     Delete a user, their sessions and their data.`;

function originOption(raw: string | undefined): string | null {
	if (raw === undefined) return null;
	try {
		return new URL(raw).origin;
	} catch {
		throw new UsageError(`--origin must be a URL such as https://team.example.com, got ${raw}`);
	}
}

async function existingUser(raw: string | undefined) {
	const username = validateUsername(raw ?? '');
	if (username.value === undefined) throw new UsageError(`Not a valid username: ${username.error}`);
	const user = await findUserByUsername(username.value);
	if (!user) throw new Error(`There is no user ${username.value}`);
	return user;
}

const record = (action: string, target: string, detail?: string) =>
	audit({ actor: 'cli', action: `cli.${action}`, target, ip: null, detail });

async function readNewPassword(username: string, fromStdin: boolean): Promise<string> {
	const password = fromStdin ? await readStdin() : await promptHidden('Password: ');
	const checked = validateNewPassword(password, username);
	if (checked.error) throw new Error(`Password refused: ${checked.error}`);
	if (!fromStdin && (await promptHidden('Password again: ')) !== password) {
		throw new Error('The passwords do not match');
	}
	return password;
}

function table(rows: string[][]): string {
	const widths = rows[0]?.map((_, column) =>
		Math.max(...rows.map((row) => row[column]?.length ?? 0))
	);
	return rows
		.map((row) =>
			row
				.map((cell, column) => cell.padEnd(widths?.[column] ?? 0))
				.join('  ')
				.trimEnd()
		)
		.join('\n');
}

runCommand(USAGE, async () => {
	const { values, positionals } = readArguments({
		origin: { type: 'string' },
		admin: { type: 'boolean' },
		'password-stdin': { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) throw new UsageError('');
	const [command, ...args] = positionals;
	const expectArgs = (count: number) => {
		if (args.length !== count) throw new UsageError(`${command} takes ${count} argument(s)`);
	};

	switch (command) {
		case 'list':
			expectArgs(0);
			return withStore(
				async () => {
					const { users } = await listUsers('', 1, Number.MAX_SAFE_INTEGER);
					if (users.length === 0) return console.log('No users yet.');
					const rows = users
						.reverse()
						.map((user) => [user.username, user.role, user.createdAt, user.fullName]);
					console.log(table([['USERNAME', 'ROLE', 'CREATED', 'FULL NAME'], ...rows]));
				},
				{ reading: true }
			);

		case 'create':
			expectArgs(1);
			return withStore(async () => {
				const username = validateUsername(args[0] ?? '');
				if (username.value === undefined) {
					throw new UsageError(`Username refused: ${username.error}`);
				}
				const password = await readNewPassword(username.value, values['password-stdin'] === true);
				// Without --admin the first account of an empty store is the admin, as at signup.
				const user = await createUser(username.value, password, values.admin ? 'admin' : undefined);
				await record('create-user', user.username, `role ${user.role}`);
				console.log(`Created ${user.role} ${user.username}.`);
			});

		case 'set-role': {
			expectArgs(2);
			const role = args[1];
			if (role !== 'user' && role !== 'admin') throw new UsageError('The role is user or admin');
			return withStore(async () => {
				const user = await existingUser(args[0]);
				await setRole(user.id, role);
				await record('set-role', user.username, `role ${role}`);
				console.log(`${user.username} is now ${role}.`);
			});
		}

		case 'reset-password': {
			expectArgs(1);
			// Checked before anything changes: a new link replaces the one already handed over.
			const origin = originOption(values.origin);
			return withStore(async () => {
				const user = await existingUser(args[0]);
				const base = origin ?? config().origin;
				const token = await createResetToken(user.id);
				await record('reset-link', user.username);
				const validFor = describeWait(config().passwordResetSeconds);
				if (base) {
					console.log(`One-time link for ${user.username}, valid for ${validFor}:`);
					console.log(new URL(resetPath(token), base).href);
				} else {
					// Said before the path, so nobody hands over a path thinking it is the whole link.
					console.log(
						`One-time link for ${user.username}, valid for ${validFor}. Neither --origin nor ` +
							"ORIGIN is set, so this is a relative link: put the app's address in front of it."
					);
					console.log(resetPath(token));
				}
			});
		}

		case 'reset-two-step':
			expectArgs(1);
			return withStore(async () => {
				const user = await existingUser(args[0]);
				const reset = await resetTwoStep(user.id);
				if (!reset) throw new UsageError(`No user ${user.username}`);
				await record(
					'reset-two-step',
					user.username,
					`${reset.factors} factors, ${reset.sessions} sessions`
				);
				console.log(
					reset.factors === 0
						? `${user.username} had no second factor; signed out of ${reset.sessions} session(s).`
						: `Removed ${user.username}'s ${reset.factors} second factor(s) and recovery codes; signed out of ${reset.sessions} session(s).`
				);
			});

		case 'delete':
			expectArgs(1);
			return withStore(async () => {
				const user = await existingUser(args[0]);
				await deleteAccount(user.id);
				await record('delete-user', user.username);
				console.log(`Deleted ${user.username}.`);
			});

		default:
			throw new UsageError(command ? `Unknown command ${command}` : 'Name a command.');
	}
});
