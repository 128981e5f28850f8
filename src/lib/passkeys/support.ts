import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill } from '@simplewebauthn/browser';

/** Browsers refuse passkeys on a bare IP address: only a host name can own them. */
function onHostName(hostname: string): boolean {
	return !hostname.includes(':') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether this page can make or use passkeys at all (call it in the browser only). */
export function passkeysSupported(): boolean {
	return browserSupportsWebAuthn() && onHostName(location.hostname);
}

/** Whether the browser can offer passkeys in the username field's autofill list. */
export async function autofillSupported(): Promise<boolean> {
	return passkeysSupported() && (await browserSupportsWebAuthnAutofill());
}
