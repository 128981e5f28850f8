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

afterAll(async () => {
	await server.stop();
	await llm.close();
	await removeDir(server.dataDir);
});

let counter = 0;
async function person(): Promise<Client> {
	const client = new Client(server.origin);
	await signUp(client, `chatter${counter++}`, PASSWORD);
	return client;
}

async function newChat(client: Client): Promise<string> {
	const response = await client.post('/chat?/new', {});
	expect(response.status).toBe(303);
	return response.headers.get('location') ?? '';
}

/** Sends a message as the page's JavaScript does; returns the events in arrival order. */
async function stream(client: Client, chatPath: string, content: string, origin = client.origin) {
	const response = await client.request(`${chatPath}/stream`, {
		method: 'POST',
		// a browser's fetch sends its page's origin with every POST
		headers: { 'content-type': 'application/json', origin },
		body: JSON.stringify({ content })
	});
	const text = await response.text();
	const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)].map(([, name, data]) => ({
		name,
		data: JSON.parse(data ?? 'null') as unknown
	}));
	return { status: response.status, text, events, headers: response.headers };
}

describe('chat', () => {
	it('streams the answer in order, then keeps the conversation', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		const { status, events, headers } = await stream(client, chatPath, 'hello little world');
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

	it('shows a failing model as an error message', async () => {
		const client = await person();
		const { events } = await stream(client, await newChat(client), 'fail');
		expect(events).toEqual([
			{
				name: 'error',
				data: 'The model server answered 500 (model exploded). Check LLM_BASE_URL, LLM_MODEL and LLM_API_KEY.'
			}
		]);
	});

	it('ends a model that does not answer with a timeout message, not a hang', async () => {
		const client = await person();
		const started = Date.now();
		const { events } = await stream(client, await newChat(client), 'hang');
		expect(Date.now() - started).toBeLessThan(5000);
		expect(events).toEqual([{ name: 'error', data: 'The model did not answer within 1 seconds.' }]);
	});

	it('answers without JavaScript through the form action', async () => {
		const client = await person();
		const chatPath = await newChat(client);
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
		expect((await other.post(`${chatPath}?/delete`, {})).status).toBe(404);
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

	it('renames and deletes a chat', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		expect((await client.post(`${chatPath}?/rename`, { title: '  Trip plans ' })).status).toBe(303);
		expect(await (await client.get('/chat')).text()).toContain('>Trip plans</a>');
		expect((await client.post(`${chatPath}?/rename`, { title: '' })).status).toBe(400);
		expect((await client.post(`${chatPath}?/delete`, {})).status).toBe(303);
		expect((await client.get(chatPath)).status).toBe(404);
	});

	it('exports chats with the account data and deletes them with the account', async () => {
		const client = await person();
		const chatPath = await newChat(client);
		await stream(client, chatPath, 'remember this');
		const exported = await (await client.get('/account/export')).json();
		expect(exported.chats[0].messages.map((m: { content: string }) => m.content)).toEqual([
			'remember this',
			'Echo: remember this'
		]);
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
			expect((await client.post('/chat?/new', {})).status).toBe(503);
		} finally {
			await bare.stop();
			await removeDir(bare.dataDir);
		}
	});
});
