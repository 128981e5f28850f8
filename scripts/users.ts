import { deleteAccount } from '../src/lib/server/account';
import { describeWait } from '../src/lib/server/rate-limit';
import { audit } from '../src/lib/server/audit';
import { config } from '../src/lib/server/config';
import { createResetToken, resetPath } from '../src/lib/server/password-reset';
import { DataDirLockedError, openStore, useStore, type Store } from '../src/lib/server/store';
import { createUser, findUserByUsername, setRole } from '../src/lib/server/users';
import { validateNewPassword, validateUsername } from '../src/lib/server/validation';
import { dataDirFromEnv, parseArgs, runCommand, UsageError } from './cli';
import { promptHidden, readStdin } from './prompt';

const USAGE = `Usage: npm run users -- <command>

Commands (run them while the server is stopped; DATA_DIR as for the server, default ./data):
  list                                  List all users.
  create <username> [--admin]           Create a user; asks for the password, or reads it
         [--password-stdin]             from standard input with --password-stdin.
  set-role <username> <user|admin>      Change a user's role.
  reset-password <username>             Print a one-time link to set a new password
         [--origin https://host]        (the link's origin: --origin, else ORIGIN).
  delete <username>                     Delete a user and all their sessions.`;

async function withStore(work: (store: Store) => Promise<void>): Promise<void> {
	const dataDir = dataDirFromEnv();
	let store: Store;
	try {
		store = await openStore(dataDir);
	} catch (error) {
		if (error instanceof DataDirLockedError) {
			throw new Error(
				`The data directory ${dataDir} is held by process ${error.pid}, probably the running ` +
					'server. Stop it first: only one process may write the data files.',
				{ cause: error }
			);
		}
		throw error;
	}
	useStore(store);
	try {
		await work(store);
	} finally {
		await store.close();
	}
}

function originOption(raw: string | true | undefined): string | null {
	if (raw === undefined || raw === true) return null;
	try {
		return new URL(raw).origin;
	} catch {
		throw new UsageError(`--origin must be a URL such as https://team.example.com, got ${raw}`);
	}
}

function existingUser(raw: string | undefined) {
	const username = validateUsername(raw ?? '');
	if (username.value === undefined) throw new UsageError(`Not a valid username: ${username.error}`);
	const user = findUserByUsername(username.value);
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

runCommand(USAGE, async () => {
	const [command, ...rest] = process.argv.slice(2);
	const { options, positional } = parseArgs(rest, ['origin'], ['admin', 'password-stdin']);
	const expectArgs = (count: number) => {
		if (positional.length !== count) throw new UsageError(`${command} takes ${count} argument(s)`);
	};

	switch (command) {
		case 'list':
			expectArgs(0);
			return withStore(async (store) => {
				const rows = [...store.users.values()].map((user) =>
					[user.username.padEnd(32), user.role.padEnd(5), user.createdAt, user.fullName].join('  ')
				);
				console.log(rows.length > 0 ? rows.join('\n') : 'No users yet.');
			});

		case 'create':
			expectArgs(1);
			return withStore(async () => {
				const username = validateUsername(positional[0] ?? '');
				if (username.value === undefined) {
					throw new UsageError(`Username refused: ${username.error}`);
				}
				const password = await readNewPassword(username.value, options.has('password-stdin'));
				// Without --admin the first account of an empty directory is the admin, as at signup.
				const user = await createUser(
					username.value,
					password,
					options.has('admin') ? 'admin' : undefined
				);
				await record('create-user', user.username);
				console.log(`Created ${user.role} ${user.username}.`);
			});

		case 'set-role': {
			expectArgs(2);
			const role = positional[1];
			if (role !== 'user' && role !== 'admin') throw new UsageError('The role is user or admin');
			return withStore(async () => {
				const user = existingUser(positional[0]);
				await setRole(user.id, role);
				await record('set-role', user.username, `role ${role}`);
				console.log(`${user.username} is now ${role}.`);
			});
		}

		case 'reset-password': {
			expectArgs(1);
			// Checked before anything changes: a new link replaces the one already handed over.
			const origin = originOption(options.get('origin')) ?? config().origin;
			return withStore(async () => {
				const user = existingUser(positional[0]);
				const token = await createResetToken(user.id);
				await record('reset-link', user.username);
				const validFor = describeWait(config().passwordResetSeconds);
				console.log(`One-time link for ${user.username}, valid for ${validFor}:`);
				console.log(origin ? new URL(resetPath(token), origin).href : resetPath(token));
				if (!origin) console.log("(Prefix it with the app's address, or set ORIGIN.)");
			});
		}

		case 'delete':
			expectArgs(1);
			return withStore(async () => {
				const user = existingUser(positional[0]);
				await deleteAccount(user.id);
				await record('delete-user', user.username);
				console.log(`Deleted ${user.username}.`);
			});

		default:
			throw new UsageError(command ? `Unknown command ${command}` : 'Name a command.');
	}
});
