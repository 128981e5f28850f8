import { config } from '../../config';

/** Who the passkeys belong to, as the browser and the authenticator see it. */
export interface RelyingParty {
	/** The host name: a passkey made here works on this host (and nowhere else). */
	id: string;
	/** Shown by some authenticators next to the account name. */
	name: string;
	/** The origin every answer must come from. */
	origin: string;
}

/**
 * From ORIGIN when the operator set it (behind a proxy the request's own URL may not be the public
 * one), else from the request.
 */
export function relyingParty(url: URL): RelyingParty {
	const origin = config().origin ?? url.origin;
	return { id: new URL(origin).hostname, name: 'Gatehouse', origin };
}
