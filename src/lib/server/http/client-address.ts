import type { RequestEvent } from '@sveltejs/kit';

type AddressEvent = Pick<RequestEvent, 'getClientAddress' | 'platform'>;

const WARN_EVERY_MS = 60_000;
let lastWarning = 0;

/**
 * The client's address for limits and the audit trail. With ADDRESS_HEADER set, adapter-node
 * throws when the header is missing (someone reached the app's port without the proxy): then
 * the socket's own address is used, which that client cannot forge, and the log says why.
 */
export function clientAddress(event: AddressEvent): string {
	try {
		return event.getClientAddress();
	} catch (error) {
		const socketAddress = event.platform?.req?.socket?.remoteAddress ?? 'unknown';
		const now = Date.now();
		if (now - lastWarning > WARN_EVERY_MS) {
			lastWarning = now;
			console.warn(
				`${(error as Error).message}; using the connection's address ${socketAddress} instead. ` +
					'Is something reaching the app without the proxy?'
			);
		}
		return socketAddress;
	}
}
