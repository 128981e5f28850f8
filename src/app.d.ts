import type { Session } from '$lib/server/session';
import type { User } from '$lib/server/users';

declare global {
	namespace App {
		interface Locals {
			user: User | null;
			session: Session | null;
			/** The request carried a session cookie that is no longer valid. */
			sessionExpired: boolean;
		}
		interface Error {
			message: string;
			/** Quoted in server logs, so a person can report what went wrong. */
			errorId?: string;
		}
	}
}

export {};
