import http from 'node:http';

/*
 * A browser stand-in for tests behind a reverse proxy: every host name (auth.example.test,
 * app.example.test, ...) is reached at the proxy's loopback port, with the name in `Host`, and
 * cookies are kept per domain as a browser keeps them (a Domain cookie goes to subdomains too).
 */

export interface HostResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
	/** The URL that answered (after redirects, with `follow`). */
	url: string;
}

interface Cookie {
	name: string;
	value: string;
	domain: string;
	hostOnly: boolean;
}

export class HostClient {
	#cookies: Cookie[] = [];

	constructor(readonly port: number) {}

	cookieFor(hostname: string): string {
		return this.#cookies
			.filter((c) =>
				c.hostOnly
					? c.domain === hostname
					: hostname === c.domain || hostname.endsWith(`.${c.domain}`)
			)
			.map((c) => `${c.name}=${c.value}`)
			.join('; ');
	}

	request(
		url: string,
		init: { method?: string; headers?: Record<string, string>; body?: string } = {}
	): Promise<HostResponse> {
		const target = new URL(url);
		if (Number(target.port) !== this.port) throw new Error(`${url} is not at the proxy's port`);
		const cookie = this.cookieFor(target.hostname);
		const headers: Record<string, string> = {
			host: target.host,
			accept: 'text/html,application/xhtml+xml',
			...(cookie ? { cookie } : {}),
			...(init.body !== undefined
				? { 'content-length': String(Buffer.byteLength(init.body)) }
				: {}),
			...init.headers
		};
		return new Promise((resolve, reject) => {
			const request = http.request(
				{
					host: '127.0.0.1',
					port: this.port,
					method: init.method ?? 'GET',
					path: target.pathname + target.search,
					headers
				},
				(response) => {
					let body = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => (body += chunk));
					response.on('end', () => {
						this.#keep(target.hostname, response.headers['set-cookie'] ?? []);
						resolve({ status: response.statusCode ?? 0, headers: response.headers, body, url });
					});
				}
			);
			request.on('error', reject);
			request.end(init.body);
		});
	}

	/** A page load, following redirects as a browser does. */
	async follow(url: string, headers: Record<string, string> = {}): Promise<HostResponse> {
		let current = url;
		for (let hops = 0; hops < 10; hops++) {
			const response = await this.request(current, { headers });
			const location = response.headers.location;
			if (response.status < 300 || response.status >= 400 || !location) return response;
			current = new URL(location, current).href;
		}
		throw new Error(`Too many redirects from ${url}`);
	}

	/** A form POST from a page at `url` (to `url` itself, as a form without `action`). */
	submit(url: string, fields: Record<string, string>): Promise<HostResponse> {
		return this.request(url, {
			method: 'POST',
			headers: {
				origin: new URL(url).origin,
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams(fields).toString()
		});
	}

	#keep(hostname: string, lines: string[]): void {
		for (const line of lines) {
			const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
			const separator = pair.indexOf('=');
			const name = pair.slice(0, separator);
			const value = pair.slice(separator + 1);
			const attribute = (key: string) =>
				attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
			const domain = attribute('domain')?.replace(/^\./, '').toLowerCase();
			const maxAge = attribute('max-age');
			const expires = attribute('expires');
			const gone =
				value === '' ||
				(maxAge !== undefined && Number(maxAge) <= 0) ||
				(expires !== undefined && Date.parse(expires) <= Date.now());
			const cookie = { name, value, domain: domain ?? hostname, hostOnly: domain === undefined };
			this.#cookies = this.#cookies.filter(
				(c) => !(c.name === name && c.domain === cookie.domain && c.hostOnly === cookie.hostOnly)
			);
			if (!gone) this.#cookies.push(cookie);
		}
	}
}
