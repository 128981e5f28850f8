/**
 * A minimal browser stand-in over fetch: keeps cookies, sends the Origin header a browser sends
 * with a form POST, asks for HTML and does not follow redirects, so tests see each 303.
 */
export class Client {
	readonly cookies = new Map<string, string>();

	constructor(
		readonly origin: string,
		readonly userAgent = 'gatehouse-tests'
	) {}

	/** The same browser talking to another server (another instance): the same cookies. */
	at(origin: string): Client {
		const moved = new Client(origin, this.userAgent);
		for (const [name, value] of this.cookies) moved.cookies.set(name, value);
		return moved;
	}

	get cookieHeader(): string {
		return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
	}

	async request(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		headers.set('accept', headers.get('accept') ?? 'text/html');
		headers.set('user-agent', this.userAgent);
		if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader);
		const response = await fetch(new URL(path, this.origin), {
			...init,
			headers,
			redirect: 'manual'
		});
		this.#storeCookies(response);
		return response;
	}

	get(path: string, init: RequestInit = {}): Promise<Response> {
		return this.request(path, init);
	}

	/** A form POST as a browser without JavaScript sends it. */
	post(
		path: string,
		fields: Record<string, string> | URLSearchParams | FormData,
		init: RequestInit = {}
	): Promise<Response> {
		const headers = new Headers(init.headers);
		if (!headers.has('origin')) headers.set('origin', this.origin);
		const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
		return this.request(path, { ...init, method: 'POST', headers, body });
	}

	#storeCookies(response: Response): void {
		for (const line of response.headers.getSetCookie()) {
			const [pair = '', ...attributes] = line.split(';');
			const separator = pair.indexOf('=');
			const name = pair.slice(0, separator).trim();
			const value = pair.slice(separator + 1).trim();
			const expires = attributes.find((a) => a.trim().toLowerCase().startsWith('expires='));
			const maxAge = attributes.find((a) => a.trim().toLowerCase().startsWith('max-age='));
			const expired =
				value === '' ||
				(maxAge !== undefined && Number(maxAge.split('=')[1]) <= 0) ||
				(expires !== undefined && Date.parse(expires.split('=')[1] ?? '') <= Date.now());
			if (expired) this.cookies.delete(name);
			else this.cookies.set(name, value);
		}
	}
}

/** Signs up through the real form; returns the client, now signed in. */
export async function signUp(
	client: Client,
	username: string,
	password: string
): Promise<Response> {
	return client.post('/signup', { username, password, confirmPassword: password });
}

export async function logIn(
	client: Client,
	username: string,
	password: string,
	extra: Record<string, string> = {},
	path = '/login'
): Promise<Response> {
	return client.post(path, { username, password, ...extra });
}
