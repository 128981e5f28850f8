import { isActionFailure, isRedirect, type RequestEvent } from '@sveltejs/kit';
import type { InvalidForm } from '../../src/lib/server/http/forms';
import { cookieJar, requestEvent, type EventOptions } from './request-event';

export interface ActionOutcome {
	/** 303 for a redirect, the failure's status, or 200 for data returned. */
	status: number;
	location: string | null;
	/** A refused form's payload (message, errors, values), or the data a successful action returned. */
	failure: InvalidForm | null;
	data: unknown;
	jar: ReturnType<typeof cookieJar>['jar'];
}

/** Calls a real form action with a real request, the way SvelteKit would, and says what happened. */
export async function runAction(
	action: unknown,
	url: string,
	options: EventOptions = {}
): Promise<ActionOutcome> {
	const { cookies, jar } = options.cookies
		? { cookies: options.cookies, jar: new Map() }
		: cookieJar();
	const event = requestEvent(url, { ...options, cookies });
	try {
		const result = await (action as (event: RequestEvent) => Promise<unknown>)(event);
		if (isActionFailure(result)) {
			return {
				status: result.status,
				location: null,
				failure: result.data as unknown as InvalidForm,
				data: null,
				jar
			};
		}
		return { status: 200, location: null, failure: null, data: result, jar };
	} catch (thrown) {
		if (isRedirect(thrown)) {
			return { status: thrown.status, location: thrown.location, failure: null, data: null, jar };
		}
		throw thrown;
	}
}
