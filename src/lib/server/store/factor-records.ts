import type { Collection, Fail } from './collection';
import { asObject, optionalText, text, timestamp, wholeNumber } from './parse';

/*
 * Second factors, each kind in its own collection keyed so that the look-ups they need are
 * direct: the authenticator app and the recovery codes by the user's id (one of each a person),
 * passkeys by their credential id (a passkey sign-in starts from that alone).
 */

/** An authenticator app (TOTP, RFC 6238). Its key is kept sealed, never in the clear. */
export interface AuthenticatorRecord {
	/** The user's id: one authenticator app a person. */
	id: string;
	/** The TOTP key, AES-256-GCM sealed under a key kept apart from the data (`sealed.ts`). */
	sealedKey: string;
	createdAt: string;
	/** The last 30-second step whose code was accepted: each code works once. */
	lastUsedStep: number;
}

/** A person's unused recovery codes: SHA-256 of each, so the file never holds a usable code. */
export interface RecoveryCodesRecord {
	/** The user's id. */
	id: string;
	hashes: string[];
	createdAt: string;
}

export interface PasskeyRecord {
	/** The WebAuthn credential id, base64url. */
	id: string;
	userId: string;
	/** The person's own name for it ("Work laptop"). */
	name: string;
	/** COSE public key, base64url. */
	publicKey: string;
	/** The authenticator's signature counter (0 for those that keep none). */
	counter: number;
	/** How the browser may reach it (internal, usb, hybrid ...), a hint for later sign-ins. */
	transports: string[];
	createdAt: string;
	/** '' until first used to sign in. */
	lastUsedAt: string;
}

export type ChallengePurpose = 'register' | 'sign-in';

/** A WebAuthn challenge handed to a browser: good for one answer, within a few minutes. */
export interface ChallengeRecord {
	/** The challenge itself, base64url. */
	id: string;
	purpose: ChallengePurpose;
	/** Who asked: the person adding a passkey, or '' for a sign-in (anyone may start one). */
	userId: string;
	expiresAt: string;
}

function stringList(record: Record<string, unknown>, field: string, fail: Fail): string[] {
	const value = record[field] ?? [];
	if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
		fail(`"${field}" must be a list of strings`);
	}
	return value as string[];
}

function parseAuthenticator(value: unknown, fail: Fail): AuthenticatorRecord {
	const record = asObject(value, fail);
	return {
		id: text(record, 'id', fail),
		sealedKey: text(record, 'sealedKey', fail),
		createdAt: timestamp(record, 'createdAt', fail),
		lastUsedStep: wholeNumber(record, 'lastUsedStep', 0, fail)
	};
}

function parseRecoveryCodes(value: unknown, fail: Fail): RecoveryCodesRecord {
	const record = asObject(value, fail);
	const hashes = stringList(record, 'hashes', fail);
	if (!hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))) {
		fail('"hashes" must hold SHA-256 hex digests');
	}
	return {
		id: text(record, 'id', fail),
		hashes,
		createdAt: timestamp(record, 'createdAt', fail)
	};
}

function parsePasskey(value: unknown, fail: Fail): PasskeyRecord {
	const record = asObject(value, fail);
	const lastUsedAt = optionalText(record, 'lastUsedAt', fail);
	return {
		id: text(record, 'id', fail),
		userId: text(record, 'userId', fail),
		name: text(record, 'name', fail),
		publicKey: text(record, 'publicKey', fail),
		counter: wholeNumber(record, 'counter', 0, fail),
		transports: stringList(record, 'transports', fail),
		createdAt: timestamp(record, 'createdAt', fail),
		lastUsedAt: lastUsedAt === '' ? '' : timestamp(record, 'lastUsedAt', fail)
	};
}

function parseChallenge(value: unknown, fail: Fail): ChallengeRecord {
	const record = asObject(value, fail);
	const purpose = record.purpose;
	if (purpose !== 'register' && purpose !== 'sign-in') {
		fail('"purpose" must be "register" or "sign-in"');
	}
	return {
		id: text(record, 'id', fail),
		purpose,
		userId: optionalText(record, 'userId', fail),
		expiresAt: timestamp(record, 'expiresAt', fail)
	};
}

export const authenticators: Collection<AuthenticatorRecord> = {
	name: 'authenticators',
	fileName: 'authenticators.json',
	parse: parseAuthenticator,
	unique: [],
	indexes: [],
	table: {
		columns: { id: 'text', sealedKey: 'text', createdAt: 'timestamptz', lastUsedStep: 'bigint' },
		newest: 'createdAt'
	}
};

export const recoveryCodes: Collection<RecoveryCodesRecord> = {
	name: 'recoveryCodes',
	fileName: 'recovery-codes.json',
	parse: parseRecoveryCodes,
	unique: [],
	indexes: [],
	table: {
		columns: { id: 'text', hashes: 'jsonb', createdAt: 'timestamptz' },
		newest: 'createdAt'
	}
};

export const passkeys: Collection<PasskeyRecord, never, 'userId'> = {
	name: 'passkeys',
	fileName: 'passkeys.json',
	parse: parsePasskey,
	unique: [],
	indexes: ['userId'],
	table: {
		columns: {
			id: 'text',
			userId: 'text',
			name: 'text',
			publicKey: 'text',
			counter: 'bigint',
			transports: 'jsonb',
			createdAt: 'timestamptz',
			lastUsedAt: 'text'
		},
		newest: 'createdAt'
	}
};

export const webauthnChallenges: Collection<ChallengeRecord> = {
	name: 'webauthnChallenges',
	fileName: 'webauthn-challenges.json',
	parse: parseChallenge,
	unique: [],
	indexes: [],
	expires: 'expiresAt',
	table: {
		columns: { id: 'text', purpose: 'text', userId: 'text', expiresAt: 'timestamptz' },
		newest: 'expiresAt'
	}
};

export const FACTOR_COLLECTIONS = [
	authenticators,
	recoveryCodes,
	passkeys,
	webauthnChallenges
] as const;
