import type { User } from '../accounts/users';
import type { Session } from '../auth/sessions';
import { allows } from './access-rules';
import { directory, visitorFor } from './directory';

export interface PortalTile {
	name: string;
	url: string;
	/** The host (and path) the tile leads to, to tell look-alike names apart. */
	claim: string;
}

/** The apps this person may open, by name: what `/auth/verify` would let them into. */
export async function portalFor(
	user: Pick<User, 'id' | 'role'>,
	session: Pick<Session, 'twoStep'>
): Promise<PortalTile[]> {
	const apps = await directory();
	const visitor = visitorFor(apps, user, session);
	return apps.apps
		.filter((app) => allows(app.access, visitor))
		.map(({ name, url, claim }) => ({ name, url, claim }))
		.sort((a, b) => a.name.localeCompare(b.name));
}
