import { CORE_COLLECTIONS, type AnyCollection, type Migration, type Transaction } from './store';

/**
 * A protected tool (the chat is the first): route folders plus this description. The core never
 * imports a tool; the app lists its tools in `tools/index.ts` and registers them at start, and the
 * core asks them what to do with a person's data.
 */
export interface Tool {
	name: string;
	/** What the tool keeps, stored like the core's own collections. */
	collections: readonly AnyCollection[];
	/** Its tables for the PostgreSQL backend. */
	migrations: readonly Migration[];
	/** Reads and checks the tool's settings, and says in the log how it is set up. */
	start?: () => void;
	/** Removes the person's data, inside the change that deletes their account. */
	deleteUserData?: (tx: Transaction, userId: string) => Promise<void>;
	/** The person's data for their download (never a secret). */
	exportUserData?: (userId: string) => Promise<unknown>;
}

let registered: readonly Tool[] = [];

export function registerTools(tools: readonly Tool[]): void {
	registered = tools;
}

export function registeredTools(): readonly Tool[] {
	return registered;
}

/** What the store is opened with: the core's collections and every registered tool's. */
export function storeContents() {
	return {
		collections: [...CORE_COLLECTIONS, ...registered.flatMap((tool) => tool.collections)],
		migrations: registered.flatMap((tool) => tool.migrations)
	};
}
