import { error } from '@sveltejs/kit';
import { StoreUnavailableError } from '../store';

/** What a request that needs the database gets while it cannot be reached. */
export const UNAVAILABLE_MESSAGE = 'Gatehouse is temporarily unavailable, please try again.';

function convert<T>(result: Promise<T>): Promise<T> {
	return result.catch((failure: unknown) => {
		if (failure instanceof StoreUnavailableError) {
			console.error(failure.message);
			error(503, UNAVAILABLE_MESSAGE);
		}
		throw failure;
	});
}

/**
 * The store as the web app uses it: a database that cannot be reached becomes a 503 page
 * ("temporarily unavailable") wherever the request meets it, never a 500 or a stack. The store
 * itself knows nothing of HTTP; the operator commands see the store's own error instead.
 */
export function unavailableAs503<T extends object>(target: T): T {
	return new Proxy(target, {
		get(object, key) {
			const value: unknown = Reflect.get(object, key);
			if (typeof value === 'function') {
				return (...args: unknown[]) => {
					const result: unknown = value.apply(object, args);
					if (result instanceof Promise) return convert(result);
					// a collection reader: its reads convert too
					return result !== null && typeof result === 'object' ? unavailableAs503(result) : result;
				};
			}
			return value !== null && typeof value === 'object' ? unavailableAs503(value) : value;
		}
	});
}
