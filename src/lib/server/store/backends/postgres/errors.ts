import { DuplicateKeyError, StoreUnavailableError } from '../../errors';

interface PostgresError {
	code?: string;
	message?: string;
}

/** The database asked to run the change again: it conflicted with another one. */
export function isRetryable(error: unknown): boolean {
	const code = (error as PostgresError)?.code;
	return code === '40001' || code === '40P01';
}

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EPIPE',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	// PostgreSQL shutting down or starting up
	'57P01',
	'57P02',
	'57P03'
]);

function isConnectionProblem(code: string | undefined): boolean {
	return code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08'));
}

/** Our errors for the database's: a taken unique value, or a database that cannot be reached. */
export function translate(error: unknown): unknown {
	const code = (error as PostgresError)?.code;
	if (code === '23505') {
		return new DuplicateKeyError((error as PostgresError).message ?? 'a unique value is taken');
	}
	if (isConnectionProblem(code)) {
		return new StoreUnavailableError(
			`The database cannot be reached (${code}): ${(error as PostgresError).message ?? ''}`,
			{ cause: error }
		);
	}
	return error;
}

/** A database URL as it may be shown: without its password. */
export function withoutPassword(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = '***';
		return parsed.href;
	} catch {
		return 'the DATABASE_URL';
	}
}
