import { json } from '@sveltejs/kit';
import { exportAccount } from '$lib/server/accounts/account-export';
import { requireUser } from '$lib/server/auth/guards';
import type { RequestHandler } from './$types';

/** The person's own data as a download: never a password hash or a token digest. */
export const GET: RequestHandler = async (event) => {
	const { user, session } = requireUser(event);
	return json(await exportAccount(user, session.id), {
		headers: {
			'content-disposition': `attachment; filename="gatehouse-${user.username}.json"`,
			'cache-control': 'no-store'
		}
	});
};
