import { expect } from 'vitest';
import { CHAT_MIGRATIONS, chats } from '../../src/lib/server/tools/chat/collection';
import { JsonStore } from '../../src/lib/server/store/backends/json/json-store';
import { PostgresStore } from '../../src/lib/server/store/backends/postgres/postgres-store';
import {
	CORE_COLLECTIONS,
	passkeys,
	webauthnChallenges,
	type ChallengeRecord,
	type PasskeyRecord,
	type Store
} from '../../src/lib/server/store';
import type { StoreLocation } from './backend';
import type { Client } from './client';
import { SoftAuthenticator, type AnswerOptions, type PasskeyAnswer } from './soft-authenticator';

/** A running server, or where one keeps its data. */
type Where = { store: StoreLocation } | StoreLocation;

/** A JSON request as the app's own scripts send it (same origin unless told otherwise). */
export function postJson(
	client: Client,
	path: string,
	body: unknown,
	origin: string | null = client.origin
): Promise<Response> {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		accept: 'application/json'
	};
	if (origin !== null) headers.origin = origin;
	return client.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

export interface RegistrationOptions {
	challenge: string;
	rp: { id: string; name: string };
	user: { id: string; name: string };
	excludeCredentials?: { id: string }[];
	authenticatorSelection?: { residentKey?: string; userVerification?: string };
}

export interface SignInOptions {
	challenge: string;
	rpId: string;
	allowCredentials?: { id: string }[];
	userVerification?: string;
}

export async function registrationOptions(client: Client): Promise<RegistrationOptions> {
	const response = await postJson(client, '/account/two-step/passkeys/options', {});
	expect(response.status).toBe(200);
	return (await response.json()) as RegistrationOptions;
}

/** Makes a passkey on `authenticator` for the signed-in `client`, as the account page does. */
export async function addPasskey(
	client: Client,
	name: string,
	authenticator = new SoftAuthenticator(client.origin),
	answer: AnswerOptions = {}
): Promise<{ response: Response; authenticator: SoftAuthenticator }> {
	const options = await registrationOptions(client);
	const response = await postJson(client, '/account/two-step/passkeys', {
		name,
		response: authenticator.register(options, answer)
	});
	return { response, authenticator };
}

export async function signInOptions(client: Client, secondStep = false): Promise<SignInOptions> {
	const response = await postJson(client, '/login/passkey/options', { secondStep });
	expect(response.status).toBe(200);
	return (await response.json()) as SignInOptions;
}

/** Answers a fresh sign-in challenge with `authenticator`; the server's response. */
export async function passkeySignIn(
	client: Client,
	authenticator: SoftAuthenticator,
	options: { secondStep?: boolean; redirectTo?: string; answer?: AnswerOptions } = {}
): Promise<{ response: Response; answer: PasskeyAnswer }> {
	const { challenge } = await signInOptions(client, options.secondStep ?? false);
	const answer = authenticator.authenticate(challenge, options.answer);
	const response = await postJson(client, '/login/passkey', {
		response: answer,
		secondStep: options.secondStep ?? false,
		redirectTo: options.redirectTo ?? null
	});
	return { response, answer };
}

/**
 * Opens the factor collections: for writing, JSON files no server holds; for reading, a copy
 * taken while a server may run; a database either way.
 */
async function withFactors<T>(where: Where, use: (store: Store) => Promise<T>, writing = false) {
	const location = 'store' in where ? where.store : where;
	// The journal names every collection: a store opens with all of them.
	const collections = [...CORE_COLLECTIONS, chats];
	const store = location.databaseUrl
		? await PostgresStore.open(location.databaseUrl, collections, CHAT_MIGRATIONS)
		: writing
			? await JsonStore.open(location.dataDir, collections)
			: await JsonStore.openReadOnly(location.dataDir, collections);
	try {
		return await use(store);
	} finally {
		await store.close();
	}
}

/** Writes a challenge straight into the store (stop a JSON server first: it holds the files). */
export function seedChallenge(where: Where, record: ChallengeRecord): Promise<void> {
	return withFactors(
		where,
		(store) => store.update((tx) => tx.of(webauthnChallenges).insert(record)),
		true
	);
}

export function storedPasskeys(where: Where, userId: string): Promise<PasskeyRecord[]> {
	return withFactors(where, (store) => store.of(passkeys).listBy('userId', userId));
}

export function storedChallenges(where: Where): Promise<number> {
	return withFactors(where, (store) => store.of(webauthnChallenges).count());
}
