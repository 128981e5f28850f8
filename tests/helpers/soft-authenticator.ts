import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/*
 * A software passkey, so HTTP tests can answer WebAuthn challenges as a browser would: an ES256
 * key pair, `none` attestation, and the authenticator data and client data the specification
 * describes (https://www.w3.org/TR/webauthn-3/#sctn-authenticator-data). It shares no code with
 * the server, which checks its answers with @simplewebauthn/server.
 */

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor>;

function head(major: number, length: number): Buffer {
	if (length < 24) return Buffer.from([(major << 5) | length]);
	if (length < 0x100) return Buffer.from([(major << 5) | 24, length]);
	const bytes = Buffer.alloc(length < 0x10000 ? 3 : 5);
	bytes[0] = (major << 5) | (length < 0x10000 ? 25 : 26);
	if (length < 0x10000) bytes.writeUInt16BE(length, 1);
	else bytes.writeUInt32BE(length, 1);
	return bytes;
}

/** The CBOR (RFC 8949) this needs: integers, text, bytes, arrays and maps. */
export function cbor(value: Cbor): Buffer {
	if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
	if (typeof value === 'string') {
		const text = Buffer.from(value, 'utf8');
		return Buffer.concat([head(3, text.length), text]);
	}
	if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
	if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
	const entries = [...value].flatMap(([key, item]) => [cbor(key), cbor(item)]);
	return Buffer.concat([head(5, value.size), ...entries]);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
const b64url = (data: Buffer) => data.toString('base64url');

const USER_PRESENT = 0x01;
const USER_VERIFIED = 0x04;
const ATTESTED_DATA = 0x40;

export interface AnswerOptions {
	/** The page's origin as the browser reports it (a phishing site's, to test refusals). */
	origin?: string;
	userVerified?: boolean;
}

export interface PasskeyAnswer {
	id: string;
	rawId: string;
	type: 'public-key';
	response: Record<string, unknown>;
	clientExtensionResults: Record<string, never>;
	authenticatorAttachment?: 'platform';
}

export class SoftAuthenticator {
	readonly credentialId = randomBytes(16);
	readonly #keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	counter = 0;
	userHandle = '';

	constructor(
		readonly origin: string,
		readonly rpId = new URL(origin).hostname
	) {}

	get id(): string {
		return b64url(this.credentialId);
	}

	#clientData(type: string, challenge: string, origin: string): Buffer {
		return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
	}

	#authenticatorData(flags: number, attested = Buffer.alloc(0)): Buffer {
		const counter = Buffer.alloc(4);
		counter.writeUInt32BE(this.counter);
		return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), counter, attested]);
	}

	/** The COSE form of the public key (kty EC2, alg ES256, curve P-256). */
	#coseKey(): Buffer {
		const jwk = this.#keys.publicKey.export({ format: 'jwk' });
		return cbor(
			new Map<Cbor, Cbor>([
				[1, 2],
				[3, -7],
				[-1, 1],
				[-2, Buffer.from(jwk.x ?? '', 'base64url')],
				[-3, Buffer.from(jwk.y ?? '', 'base64url')]
			])
		);
	}

	/** The answer to registration options: a new credential, attestation `none`. */
	register(
		options: { challenge: string; user?: { id?: string } },
		answer: AnswerOptions = {}
	): PasskeyAnswer {
		this.userHandle = options.user?.id ?? '';
		const idLength = Buffer.alloc(2);
		idLength.writeUInt16BE(this.credentialId.length);
		const attested = Buffer.concat([
			Buffer.alloc(16),
			idLength,
			this.credentialId,
			this.#coseKey()
		]);
		const verified = answer.userVerified ?? true;
		const flags = USER_PRESENT | ATTESTED_DATA | (verified ? USER_VERIFIED : 0);
		const authData = this.#authenticatorData(flags, attested);
		const attestationObject = cbor(
			new Map<Cbor, Cbor>([
				['fmt', 'none'],
				['attStmt', new Map()],
				['authData', authData]
			])
		);
		const clientData = this.#clientData(
			'webauthn.create',
			options.challenge,
			answer.origin ?? this.origin
		);
		return {
			id: this.id,
			rawId: this.id,
			type: 'public-key',
			response: {
				clientDataJSON: b64url(clientData),
				attestationObject: b64url(attestationObject),
				transports: ['internal']
			},
			clientExtensionResults: {},
			authenticatorAttachment: 'platform'
		};
	}

	/** The answer to sign-in options: `challenge` signed with the private key. */
	authenticate(challenge: string, answer: AnswerOptions = {}): PasskeyAnswer {
		this.counter++;
		const verified = answer.userVerified ?? true;
		const authData = this.#authenticatorData(USER_PRESENT | (verified ? USER_VERIFIED : 0));
		const clientData = this.#clientData('webauthn.get', challenge, answer.origin ?? this.origin);
		const signature = sign(
			'sha256',
			Buffer.concat([authData, sha256(clientData)]),
			this.#keys.privateKey
		);
		return {
			id: this.id,
			rawId: this.id,
			type: 'public-key',
			response: {
				clientDataJSON: b64url(clientData),
				authenticatorData: b64url(authData),
				signature: b64url(signature),
				...(this.userHandle ? { userHandle: this.userHandle } : {})
			},
			clientExtensionResults: {}
		};
	}
}
