import type { RequestEvent } from '@sveltejs/kit';
import { createResetToken, resetLinkExpiry, resetPath } from '../accounts/password-reset';
import { config } from '../config';
import { formatDuration } from '$lib/format';
import { setHandover, type Handover } from './handover';

/** "30 minutes": how long a reset link works, from PASSWORD_RESET_SECONDS. */
export function resetLinkValidity(): string {
	return formatDuration(config().passwordResetSeconds);
}

/** A new one-time link for a user, handed to the admin's next page (see `handover.ts`). */
export async function handOverResetLink(
	event: Pick<RequestEvent, 'cookies' | 'url'>,
	kind: Handover['kind'],
	admin: { id: string },
	user: { id: string; username: string },
	now = Date.now()
): Promise<void> {
	const token = await createResetToken(user.id, now);
	setHandover(event, {
		kind,
		adminId: admin.id,
		userId: user.id,
		username: user.username,
		link: event.url.origin + resetPath(token),
		expiresAt: resetLinkExpiry(now)
	});
}
