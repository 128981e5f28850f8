import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/*
 * What a browser sent back from a passkey dialog, checked for shape before the library reads it:
 * base64url strings where the library expects them, nothing else trusted. Whether the answer is
 * true is the library's business.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Far above any real credential id (1023 bytes at most) or attestation. */
const MAX_FIELD = 16_000;

type Fields = Record<string, unknown>;

function object(value: unknown): Fields | null {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as Fields)
		: null;
}

function base64url(fields: Fields, name: string, optional = false): boolean {
	const value = fields[name];
	if (value === undefined) return optional;
	return typeof value === 'string' && value.length <= MAX_FIELD && BASE64URL.test(value);
}

function credential(value: unknown): { outer: Fields; inner: Fields } | null {
	const outer = object(value);
	const inner = object(outer?.response);
	if (!outer || !inner || outer.type !== 'public-key') return null;
	if (!base64url(outer, 'id') || !base64url(outer, 'rawId') || outer.id === '') return null;
	return base64url(inner, 'clientDataJSON') ? { outer, inner } : null;
}

/** The transports the browser named, kept as hints for later sign-ins. */
export function transportsOf(answer: RegistrationResponseJSON): string[] {
	const named = answer.response.transports ?? [];
	return named
		.filter((item) => typeof item === 'string' && /^[a-z-]{1,20}$/.test(item))
		.slice(0, 8);
}

export function asRegistration(value: unknown): RegistrationResponseJSON | null {
	const parts = credential(value);
	if (!parts || !base64url(parts.inner, 'attestationObject')) return null;
	const transports = parts.inner.transports;
	if (transports !== undefined && !Array.isArray(transports)) return null;
	return {
		...(parts.outer as unknown as RegistrationResponseJSON),
		clientExtensionResults: object(parts.outer.clientExtensionResults) ?? {}
	};
}

export function asAuthentication(value: unknown): AuthenticationResponseJSON | null {
	const parts = credential(value);
	if (!parts) return null;
	const { inner } = parts;
	if (!base64url(inner, 'authenticatorData') || !base64url(inner, 'signature')) return null;
	if (!base64url(inner, 'userHandle', true)) return null;
	return {
		...(parts.outer as unknown as AuthenticationResponseJSON),
		clientExtensionResults: object(parts.outer.clientExtensionResults) ?? {}
	};
}
