import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLlm {
	baseUrl: string;
	/** Authorization headers and bodies the model server received. */
	requests: Array<{
		authorization: string | undefined;
		body: { model: string; messages: Array<{ role: string; content: string }> };
	}>;
	close(): Promise<void>;
}

/**
 * An OpenAI-compatible `chat/completions` server on a free port, streaming SSE chunks the way
 * the real API does. What it does depends on the last user message:
 * `fail` → 500 with an error body, `hang` → never answers, `flaky...` → 500 the first time
 * that exact message comes, an answer after, anything else → streams "Echo: <message>" one
 * word per chunk, 20 ms apart.
 */
export async function startFakeLlm(): Promise<FakeLlm> {
	const requests: FakeLlm['requests'] = [];
	const failedOnce = new Set<string>();
	const server = http.createServer((request, response) => {
		let raw = '';
		request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
		request.on('end', () => {
			if (request.url !== '/v1/chat/completions' || request.method !== 'POST') {
				response.writeHead(404).end();
				return;
			}
			const body = JSON.parse(raw) as FakeLlm['requests'][number]['body'];
			requests.push({ authorization: request.headers.authorization, body });
			const last = body.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
			const flakyNow = last.startsWith('flaky') && !failedOnce.has(last);
			if (flakyNow) failedOnce.add(last);
			if (last === 'fail' || flakyNow) {
				response.writeHead(500, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message: 'model exploded' } }));
				return;
			}
			if (last === 'hang') return; // never answers
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			const words = `Echo: ${last}`.split(/(?<= )/);
			let index = 0;
			const tick = setInterval(() => {
				if (response.destroyed) return clearInterval(tick);
				const word = words[index++];
				if (word === undefined) {
					clearInterval(tick);
					response.end('data: [DONE]\n\n');
					return;
				}
				const chunk = {
					id: 'chatcmpl-test',
					object: 'chat.completion.chunk',
					model: body.model,
					choices: [{ index: 0, delta: { content: word }, finish_reason: null }]
				};
				response.write(`data: ${JSON.stringify(chunk)}\n\n`);
			}, 20);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
