/** A data file that exists but cannot be used. The server refuses to start rather than overwrite it. */
export class DataFileError extends Error {
	override name = 'DataFileError';
	constructor(
		readonly file: string,
		problem: string
	) {
		super(`${file}: ${problem}. The file was left unchanged; fix or restore it, then start again.`);
	}
}

/** A change could not be made durable. Nothing of it remains, in memory or on disk. */
export class StoreWriteError extends Error {
	override name = 'StoreWriteError';
}

/** The database cannot be reached right now; the request may succeed later. */
export class StoreUnavailableError extends Error {
	override name = 'StoreUnavailableError';
}

/** Another record already holds this id or unique value (for users: the normalised username). */
export class DuplicateKeyError extends Error {
	override name = 'DuplicateKeyError';
}
