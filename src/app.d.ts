import type { IncomingMessage } from 'node:http';
import type { User } from '$lib/server/accounts/users';
import type { Session } from '$lib/server/auth/sessions';
import type { SessionEndReason } from '$lib/server/store';

declare global {
	namespace App {
		interface Locals {
			user: User | null;
			session: Session | null;
			/** The request carried a session cookie, valid or not. */
			sessionCookie: boolean;
			/** The request carried a session cookie that is no longer valid. */
			sessionExpired: boolean;
			/** Why that session ended, when someone ended it (a password change elsewhere). */
			sessionEnded: SessionEndReason | null;
		}
		interface Error {
			message: string;
			/** Quoted in server logs, so a person can report what went wrong. */
			errorId?: string;
		}
		interface Platform {
			/** adapter-node's request, for the socket address when a proxy header is missing. */
			req?: IncomingMessage;
		}
	}
}

export {};
