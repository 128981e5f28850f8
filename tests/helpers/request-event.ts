import type { Cookies, RequestEvent } from '@sveltejs/kit';

export interface CookieRecord {
	value: string;
	options: Parameters<Cookies['set']>[2];
}

/** SvelteKit's Cookies API over a Map, so tests can read what an action set. */
export function cookieJar(initial: Record<string, string> = {}) {
	const jar = new Map<string, CookieRecord>(
		Object.entries(initial).map(([name, value]) => [name, { value, options: { path: '/' } }])
	);
	const cookies: Cookies = {
		get: (name) => jar.get(name)?.value || undefined,
		getAll: () => [...jar].map(([name, { value }]) => ({ name, value })),
		set: (name, value, options) => void jar.set(name, { value, options }),
		delete: (name, options) =>
			void jar.set(name, { value: '', options: { ...options, maxAge: 0 } }),
		serialize: (name, value) => `${name}=${value}`
	};
	return { cookies, jar };
}

export interface EventOptions {
	method?: string;
	form?: Record<string, string | string[] | Blob>;
	locals?: Partial<App.Locals>;
	cookies?: Cookies;
	headers?: Record<string, string>;
	ip?: string;
}

/**
 * A real RequestEvent (real Request with a real form body) for calling loads and actions
 * directly. Only the parts our server code touches are filled in.
 */
export function requestEvent(url: string, options: EventOptions = {}): RequestEvent {
	const fullUrl = new URL(url, 'http://localhost');
	let body: FormData | undefined;
	if (options.form) {
		body = new FormData();
		for (const [name, value] of Object.entries(options.form)) {
			for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
		}
	}
	const request = new Request(fullUrl, {
		method: options.method ?? (body ? 'POST' : 'GET'),
		body,
		headers: { 'user-agent': 'vitest', ...options.headers }
	});
	const locals: App.Locals = {
		user: null,
		session: null,
		sessionCookie: false,
		sessionExpired: false,
		sessionEnded: null,
		...options.locals
	};
	const event = {
		request,
		url: fullUrl,
		params: {},
		route: { id: null },
		locals,
		cookies: options.cookies ?? cookieJar().cookies,
		getClientAddress: () => options.ip ?? '127.0.0.1',
		platform: undefined,
		isDataRequest: false,
		isSubRequest: false,
		setHeaders: () => {},
		fetch: globalThis.fetch
	};
	return event as unknown as RequestEvent;
}
