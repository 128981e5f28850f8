import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp } from '../helpers/client';
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm';
import { startServer, type RunningServer } from '../helpers/server';
import { readStored } from '../helpers/stored';
import { removeDir } from '../helpers/temp-dir';

const PASSWORD = 'plum ferry lantern';
const API_KEY = 'sk-test-never-in-a-response-4711';

let llm: FakeLlm;
let server: RunningServer;

beforeAll(async () => {
	llm = await startFakeLlm();
	server = await startServer({
		env: {
			LLM_BASE_URL: llm.baseUrl,
			LLM_API_KEY: API_KEY,
			LLM_MODEL: 'test-model',
			LLM_SYSTEM_PROMPT: 'You are terse.',
			LLM_TIMEOUT_SECONDS: '1',
			CHAT_REQUESTS_PER_MINUTE: '8',
			CHAT_MAX_MESSAGE_CHARS: '200'
		}
	});
});

beforeAll(async () => {
	// the first account is the admin: everyone from person() is an ordinary user
	admin = new Client(server.origin);
	await signUp(admin, 'boss', PASSWORD);
});

afterAll(async () => {
	await server.stop();
	await llm.close();
	await removeDir(server.dataDir);
});

const MODEL_FAILED = 'The model could not answer. Try again in a moment.';
const FAIL_DETAIL =
	'Check LLM_BASE_URL / LLM_MODEL / LLM_API_KEY: the model server answered 500 (model exploded)';

let admin: Client;
let counter = 0;
async function person(): Promise<Client> {
	const client = new Client(server.origin);
	await signUp(client, `chatter${counter++}`, PASSWORD);
	return client;
}

/**
 * A new chat from the box on /chat, as the page's script sends it: the first message is
 * stored and its answer is left for the chat's page to stream.
 */
async function newChat(client: Client, first = 'hi'): Promise<string> {
	const response = await client.post('/chat?/start', { content: first, stream: '1' });
	expect(response.status).toBe(303);
	return response.headers.get('location') ?? '';
}

/** The same box without JavaScript: answers before it moves on to the chat. */
async function startChat(client: Client, first: string): Promise<string> {
	const response = await client.post('/chat?/start', { content: first });
	expect(response.status).toBe(303);
	return response.headers.get('location') ?? '';
}

async function storedChat(chatPath: string) {
	const id = chatPath.split('/').pop();
	return (await readStored(server)).chats.find((chat) => chat.id === id);
}

/** Sends a message as the page's JavaScript does; returns the events in arrival order. */
async function stream(
	client: Client,
	chatPath: string,
	content: string | { again: true },
	origin = client.origin
) {
	const response = await client.request(`${chatPath}/stream`, {
		method: 'POST',
		// a browser's fetch sends its page's origin with every POST
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify(typeof content === 'string' ? { content } : content)
	});
	const text = await response.text();
	const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(([, name, data]) => ({
		name,
		data: JSON.parse(data ?? 'null') as unknown
	}));
	return { status: response.status, text, events, headers: response.headers };
}

describe('chat', () => {
	it('streams the answer to the first message from /chat, then keeps the conversation', async () => {
		const client = await person();
		const chatPath = await newChat(client, 'hello little world');
		const { status, events, headers } = await stream(client, chatPath, { again: true });
		expect(status).toBe(200);
		expect(headers.get('content-type')).toContain('text/event-stream');
		const tokens = events.filter((e) => e.name === 'token').map((e) => e.data);
		expect(tokens).toEqual(['Echo: ', 'hello ', 'little ', 'world']);
		expect(events.at(-1)?.name).toBe('done');

		const page = await (await client.get(chatPath)).text();
		expect(page).toContain('hello little world');
		expect(page).toContain('Echo: hello little world');
		// the first message names the chat in the sidebar
		expect(page).toContain('>hello little world</a>');
		const request = llm.requests.at(-1);
		expect(request?.body.model).toBe('test-model');
		expect(request?.body.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
	});

	it('sends the API key to the model server and never to the browser', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		const { text } = await stream(client, chatPath, 'is my key safe');
		expect(llm.requests.at(-1)?.authorization).toBe(`Bearer ${API_KEY}`);
		const pages = [text];
		for (const url of ['/chat', chatPath, `${chatPath}/__data.json`, '/account/export']) {
			pages.push(await (await client.get(url)).text());
		}
		for (const body of pages) expect(body).not.toContain(API_KEY);
	});

	it('tells a person the model could not answer, and an admin which settings to check', async () => {
		const client = await person();
		const { events } = await stream(client, await newChat(client), 'fail');
		expect(events).toEqual([{ name: 'error', data: MODEL_FAILED }]);
		const forAdmin = await stream(admin, await newChat(admin), 'fail');
		expect(forAdmin.events).toEqual([{ name: 'error', data: FAIL_DETAIL }]);
	});

	it('keeps a failed answer after a reload, worded for the viewer, with Try again', async () => {
		const client = await person();
		const chatPath = await startChat(client, 'fail');
		const page = await (await client.get(chatPath)).text();
		expect(page).toContain(MODEL_FAILED);
		expect(page).not.toContain('LLM_BASE_URL');
		expect(page).toContain('action="?/retry"');
		expect((await storedChat(chatPath))?.messages.at(-1)).toMatchObject({
			role: 'assistant',
			content: '',
			status: 'failed',
			error: FAIL_DETAIL
		});

		const adminChat = await startChat(admin, 'fail');
		const adminPage = await (await admin.get(adminChat)).text();
		expect(adminPage).toContain(FAIL_DETAIL);
		expect(adminPage).not.toContain(MODEL_FAILED);
	});

	it('tries a failed answer again, with and without JavaScript, in place of the failure', async () => {
		const client = await person();
		const chatPath = await startChat(client, 'flaky form');
		expect((await storedChat(chatPath))?.messages.at(-1)?.status).toBe('failed');
		expect((await client.post(`${chatPath}?/retry`, {})).status).toBe(303);
		const page = await (await client.get(chatPath)).text();
		expect(page).toContain('Echo: flaky form');
		expect(page).not.toContain(MODEL_FAILED);
		expect(page).not.toContain('action="?/retry"');
		const contents = (await storedChat(chatPath))?.messages.map((m) => [m.content, m.status]);
		expect(contents).toEqual([
			['flaky form', undefined],
			['Echo: flaky form', undefined]
		]);
		// nothing is left to try again
		expect((await client.post(`${chatPath}?/retry`, {})).status).toBe(400);
		expect((await stream(client, chatPath, { again: true })).status).toBe(409);

		const scripted = await newChat(client, 'flaky script');
		expect((await stream(client, scripted, { again: true })).events).toEqual([
			{ name: 'error', data: MODEL_FAILED }
		]);
		const again = await stream(client, scripted, { again: true });
		expect(again.events.at(-1)?.name).toBe('done');
		expect((await storedChat(scripted))?.messages.map((m) => m.content)).toEqual([
			'flaky script',
			'Echo: flaky script'
		]);
	});

	it('ends a model that does not answer with a failure, not a hang', async () => {
		const client = await person();
		const started = Date.now();
		const chatPath = await newChat(client);
		const { events } = await stream(client, chatPath, 'hang');
		expect(Date.now() - started).toBeLessThan(5000);
		expect(events).toEqual([{ name: 'error', data: MODEL_FAILED }]);
		expect((await storedChat(chatPath))?.messages.at(-1)?.error).toBe(
			'Check LLM_BASE_URL / LLM_MODEL / LLM_TIMEOUT_SECONDS: the model did not answer within 1 seconds'
		);
	});

	it('marks an answer cut short by Stop as stopped, keeping what arrived', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
		const response = await client.request(`${chatPath}/stream`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: client.origin },
			body: JSON.stringify({ content: long })
		});
		const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
		let text = '';
		while (!text.includes('event: token')) text += (await reader.read()).value ?? '';
		const stop = await client.request(`${chatPath}/stop`, {
			method: 'POST',
			headers: { origin: client.origin }
		});
		expect(stop.status).toBe(204);
		for (let part = await reader.read(); !part.done; part = await reader.read()) text += part.value;
		expect(text).toMatch(/event: stopped\ndata: \{\}\n\n$/);
		const last = (await storedChat(chatPath))?.messages.at(-1);
		expect(last?.status).toBe('stopped');
		expect(last?.content.startsWith('Echo: ')).toBe(true);
		expect(last?.content.length).toBeLessThan(`Echo: ${long}`.length);
		expect(await (await client.get(chatPath)).text()).toContain('Stopped.');

		// closing the stream (the tab, the connection) stops it the same way
		const closing = new AbortController();
		const cut = await client.request(`${chatPath}/stream`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: client.origin },
			body: JSON.stringify({ content: long }),
			signal: closing.signal
		});
		const cutReader = cut.body!.getReader();
		await cutReader.read();
		closing.abort();
		await expect.poll(async () => (await storedChat(chatPath))?.messages.length).toBe(5);
		expect((await storedChat(chatPath))?.messages.at(-1)?.status).toBe('stopped');
		// another person cannot stop it
		const other = await person();
		const foreign = await other.request(`${chatPath}/stop`, {
			method: 'POST',
			headers: { origin: other.origin }
		});
		expect(foreign.status).toBe(404);
	});

	it('renders answers as Markdown, and a hostile answer as harmless text', async () => {
		const client = await person();
		const hostile =
			'**bold** `tick` [ok](https://example.com)\n\n```\nprint(1)\n```\n\n' +
			'<img src=x onerror=alert(1)> [x](javascript:alert(1)) <script>alert(2)</script>';
		const chatPath = await startChat(client, hostile);
		const response = await client.get(chatPath);
		const csp = response.headers.get('content-security-policy') ?? '';
		const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
		expect(scriptSrc).toMatch(/^'self' 'nonce-/);
		expect(scriptSrc).not.toContain('unsafe');
		const page = await response.text();
		expect(page).toContain('<strong>bold</strong> <code>tick</code>');
		expect(page).toContain(
			'<a href="https://example.com" target="_blank" rel="noopener noreferrer">ok</a>'
		);
		expect(page).toContain('<pre><code>print(1)\n</code></pre>');
		expect(page).toContain('class="copy-code"');
		expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
		expect(page).not.toMatch(/<img[^>]*onerror/i);
		expect(page).not.toMatch(/href="javascript:/i);
		expect(page).not.toContain('<script>alert(2)');
	});

	it('starts a chat from the box on /chat without JavaScript, answered', async () => {
		const client = await person();
		const start = await (await client.get('/chat')).text();
		expect(start).toMatch(/<form method="POST" action="\?\/start"/);
		expect(start).toMatch(/<textarea[^>]*autofocus/);
		const chatPath = await startChat(client, 'plain start');
		expect(chatPath).toMatch(/^\/chat\/[\w-]+$/);
		const page = await (await client.get(chatPath)).text();
		expect(page).toContain('Echo: plain start');
		expect(page).toContain('>plain start</a>');
		const refused = await client.post('/chat?/start', { content: '   ' });
		expect(refused.status).toBe(400);
		expect(await refused.text()).toContain('Type a message first.');
	});

	it('answers without JavaScript through the form action', async () => {
		const client = await person();
		const chatPath = await startChat(client, 'first');
		const response = await client.post(`${chatPath}?/send`, { content: 'plain form' });
		expect(response.status).toBe(303);
		expect(await (await client.get(chatPath)).text()).toContain('Echo: plain form');
	});

	it("gives 404 for another person's chat, on every route", async () => {
		const owner = await person();
		const chatPath = await newChat(owner);
		await stream(owner, chatPath, 'private thoughts');
		const other = await person();
		expect((await other.get(chatPath)).status).toBe(404);
		expect((await stream(other, chatPath, 'let me in')).status).toBe(404);
		expect((await other.post(`${chatPath}?/send`, { content: 'x' })).status).toBe(404);
		expect((await other.post(`${chatPath}?/rename`, { title: 'mine' })).status).toBe(404);
		expect((await other.post(`${chatPath}?/delete`, { confirm: 'yes' })).status).toBe(404);
		expect((await other.post(`${chatPath}?/retry`, {})).status).toBe(404);
		const data = await (await other.get(`${chatPath}/__data.json`)).text();
		expect(data).not.toContain('private thoughts');
		expect(await (await owner.get(chatPath)).text()).toContain('private thoughts');
	});

	it('sends visitors to login, and answers the stream endpoint with 401', async () => {
		const visitor = new Client(server.origin);
		const page = await visitor.get('/chat');
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toContain('/login');
		const owner = await person();
		const chatPath = await newChat(owner);
		expect((await stream(visitor, chatPath, 'hi')).status).toBe(401);
	});

	it('refuses an over-long message and too many messages a minute', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		const long = await stream(client, chatPath, 'x'.repeat(201));
		expect(long.status).toBe(400);
		expect(long.text).toContain('under 200 characters');
		const statuses: number[] = [];
		for (let i = 0; i < 9; i++) statuses.push((await stream(client, chatPath, `n${i}`)).status);
		expect(statuses.slice(0, 8).every((status) => status === 200)).toBe(true);
		expect(statuses[8]).toBe(429);
		const limited = await stream(client, chatPath, 'one more');
		expect(limited.text).toContain('8 messages in a minute');
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		// the form that works without JavaScript answers the same way
		const form = await client.post(`${chatPath}?/send`, { content: 'and without script' });
		expect(form.status).toBe(429);
		expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await form.text()).toContain('8 messages in a minute');
	});

	it('limits how many chats a person starts a minute, so a loop cannot store chats without end', async () => {
		const client = await person();
		const statuses: number[] = [];
		for (let i = 0; i < 9; i++) {
			const started = await client.post('/chat?/start', {
				content: `limit probe ${i}`,
				stream: '1'
			});
			statuses.push(started.status);
		}
		expect(statuses).toEqual([303, 303, 303, 303, 303, 303, 303, 303, 429]);
		const refused = await client.post('/chat?/start', { content: 'limit probe 9', stream: '1' });
		expect(await refused.text()).toContain('8 chats in a minute');
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		const firsts = (await readStored(server)).chats
			.map((chat) => chat.messages[0]?.content ?? '')
			.filter((content) => content.startsWith('limit probe'));
		expect(firsts.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `limit probe ${i}`));
	});

	it('refuses a stream request from another site, storing nothing', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		const before = (await readStored(server)).chats;
		const foreign = await stream(client, chatPath, 'sent from elsewhere', 'https://evil.example');
		expect(foreign.status).toBe(403);
		const missing = await stream(client, chatPath, 'sent with no origin', '');
		expect(missing.status).toBe(403);
		expect((await readStored(server)).chats).toEqual(before);
		expect(JSON.stringify(before)).not.toContain('sent from elsewhere');
	});

	it('renames a chat, and deletes it only after a confirmation step', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		expect((await client.post(`${chatPath}?/rename`, { title: '  Trip plans ' })).status).toBe(303);
		expect(await (await client.get('/chat')).text()).toContain('>Trip plans</a>');
		expect((await client.post(`${chatPath}?/rename`, { title: '' })).status).toBe(400);

		const page = await (await client.get(chatPath)).text();
		expect(page).not.toContain('action="?/delete"');
		expect(page).toContain('href="?confirmDelete"');
		const confirm = await (await client.get(`${chatPath}?confirmDelete`)).text();
		expect(confirm).toContain('Delete this chat?');
		expect(confirm).toContain('action="?/delete"');
		expect(confirm).toContain(`href="${chatPath}">Keep it</a>`);

		expect((await client.post(`${chatPath}?/delete`, {})).status).toBe(400);
		expect((await client.get(chatPath)).status).toBe(200);
		expect((await client.post(`${chatPath}?/delete`, { confirm: 'yes' })).status).toBe(303);
		expect((await client.get(chatPath)).status).toBe(404);
	});

	it('exports chats with the account data and deletes them with the account', async () => {
		const client = await person();
		const chatPath = await startChat(client, 'remember this');
		await client.post(`${chatPath}?/send`, { content: 'fail' });
		const exported = await (await client.get('/account/export')).json();
		const messages = exported.chats[0].messages as Array<Record<string, string>>;
		expect(messages.map(({ role, content, status }) => ({ role, content, status }))).toEqual([
			{ role: 'user', content: 'remember this', status: undefined },
			{ role: 'assistant', content: 'Echo: remember this', status: undefined },
			{ role: 'user', content: 'fail', status: undefined },
			{ role: 'assistant', content: '', status: 'failed' }
		]);
		// why it failed is about the server's settings, not the person's data
		expect(JSON.stringify(exported)).not.toContain('LLM_BASE_URL');
		const storedChatIds = async () => (await readStored(server)).chats.map((chat) => chat.id);
		const id = chatPath.split('/').pop();
		expect(await storedChatIds()).toContain(id);
		await client.post('/account?/deleteAccount', { currentPassword: PASSWORD, confirm: 'yes' });
		expect(await storedChatIds()).not.toContain(id);
	});
});

describe('chat without a model', () => {
	it('explains how to connect one and crashes nothing', async () => {
		const bare = await startServer();
		try {
			const client = new Client(bare.origin);
			await signUp(client, 'lonely', PASSWORD);
			const page = await client.get('/chat');
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toContain('No model is connected yet');
			expect(html).toContain('LLM_BASE_URL');
			expect((await client.post('/chat?/start', { content: 'hello?' })).status).toBe(503);
		} finally {
			await bare.stop();
			await removeDir(bare.dataDir);
		}
	});
});
