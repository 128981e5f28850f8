import type { RequestEvent } from '@sveltejs/kit';
import { audit } from '../audit/audit';
import { clientAddress } from '../http/client-address';

export type AppsAction =
	| 'apps.create'
	| 'apps.update'
	| 'apps.delete'
	| 'groups.create'
	| 'groups.delete'
	| 'groups.add-member'
	| 'groups.remove-member';

/** Every change to apps and groups goes to the audit trail, by the admin who made it. */
export function auditChange(
	event: Pick<RequestEvent, 'getClientAddress' | 'platform'>,
	admin: { username: string },
	action: AppsAction,
	target: string,
	detail?: string
): Promise<void> {
	return audit({ actor: admin.username, action, target, ip: clientAddress(event), detail });
}
