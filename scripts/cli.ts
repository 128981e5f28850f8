import { readConfig } from '../src/lib/server/config';

/** Shared by the operator commands: where the data lives, and how a command fails. */
export function dataDirFromEnv(): string {
	return readConfig().dataDir;
}

export class UsageError extends Error {}

/** Runs a command; prints errors plainly (no stack) and sets the exit code: 2 usage, 1 failure. */
export function runCommand(usage: string, main: () => Promise<void>): void {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			if (error instanceof UsageError) {
				console.error(`${error.message}\n\n${usage}`);
				process.exit(2);
			}
			console.error(`Error: ${(error as Error).message}`);
			process.exit(1);
		}
	);
}

/** `--name value` options and positional arguments. */
export function parseArgs(
	argv: string[],
	valueOptions: string[],
	flags: string[] = []
): { options: Map<string, string | true>; positional: string[] } {
	const options = new Map<string, string | true>();
	const positional: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] ?? '';
		if (arg === '--help' || arg === '-h') throw new UsageError('');
		if (!arg.startsWith('--')) {
			positional.push(arg);
			continue;
		}
		const name = arg.slice(2);
		if (flags.includes(name)) options.set(name, true);
		else if (valueOptions.includes(name)) {
			const value = argv[++i];
			if (value === undefined) throw new UsageError(`--${name} needs a value`);
			options.set(name, value);
		} else throw new UsageError(`Unknown option ${arg}`);
	}
	return { options, positional };
}
