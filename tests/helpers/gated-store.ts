import type { Store } from '../../src/lib/server/store';

interface Hold {
	/** The number of the change to hold (the first change is 1). */
	change: number;
	/** Hold it before it runs, or after it is durable but before it is acknowledged. */
	when: 'before-running' | 'before-acknowledging';
	reached: () => void;
	released: Promise<void>;
}

/**
 * A real store whose changes can be held open, to put two concurrent requests in an exact order:
 * a slow disk or a busy process, on demand. Everything else passes straight through.
 */
export function gateStore(inner: Store) {
	const holds: Hold[] = [];
	let started = 0;
	const wait = async (change: number, when: Hold['when']) => {
		const hold = holds.find((each) => each.change === change && each.when === when);
		if (!hold) return;
		hold.reached();
		await hold.released;
	};
	const store: Store = {
		backend: inner.backend,
		location: inner.location,
		audit: inner.audit,
		of: (collection) => inner.of(collection),
		findSession: (id) => inner.findSession(id),
		recordActivity: (session) => inner.recordActivity(session),
		close: () => inner.close(),
		async update(change) {
			const number = ++started;
			await wait(number, 'before-running');
			const result = await inner.update(change);
			await wait(number, 'before-acknowledging');
			return result;
		}
	};
	return {
		store,
		/** How many changes have started so far. */
		get started() {
			return started;
		},
		/** Holds change number `change`; `reached` resolves once it is held, `release` lets it go. */
		hold(change: number, when: Hold['when']) {
			let reached!: () => void;
			let release!: () => void;
			const isReached = new Promise<void>((resolve) => (reached = resolve));
			const released = new Promise<void>((resolve) => (release = resolve));
			holds.push({ change, when, reached, released });
			return { reached: isReached, release };
		}
	};
}
