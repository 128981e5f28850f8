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

/** A change could not be written. Memory has been rolled back to what is on disk. */
export class StoreWriteError extends Error {
	override name = 'StoreWriteError';
}

/** Another record already holds this unique key (for users: the normalised username). */
export class DuplicateKeyError extends Error {
	override name = 'DuplicateKeyError';
}
