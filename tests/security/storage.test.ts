import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/backend';
import { Client, logIn, signUp } from '../helpers/client';
import { RecordingClient, sessionIdOf, useSharedServer } from '../helpers/security';
import {
	auditText,
	everythingWritten as filesWritten,
	readStored,
	storedSessions,
	storedUser,
	storedUsers
} from '../helpers/stored';

// A data directory the server creates itself, so its mode is the server's doing.
const server = useSharedServer({
	dataDir: path.join(os.tmpdir(), `gatehouse-security-${randomUUID()}`)
});

/** The files the server keeps in its data directory (with PostgreSQL, only its key). */
const FILES =
	backend === 'json' ? ['users.json', 'sessions.json', 'limits.json', 'audit.log'] : ['secret.key'];

const PASSWORDS = {
	admin: 'admin pass phrase 0451',
	first: 'first pass phrase 1187',
	changed: 'changed pass phrase 2293',
	reset: 'reset pass phrase 3319',
	wrong: 'wrong pass phrase 4421',
	unknownUser: 'ghost pass phrase 5563',
	long: `long pass phrase ${'z'.repeat(280)}`
};

const clients: RecordingClient[] = [];
const newClient = () => {
	const client = new RecordingClient(server().origin);
	clients.push(client);
	return client;
};
let resetSecret = '';

/** Every way a secret meets the server: signup, login, failures, a change, a reset link. */
beforeAll(async () => {
	const admin = newClient();
	expect((await signUp(admin, 'keeper', PASSWORDS.admin)).status).toBe(303);
	const user = newClient();
	expect((await signUp(user, 'holder', PASSWORDS.first)).status).toBe(303);

	expect((await logIn(newClient(), 'holder', PASSWORDS.wrong)).status).toBe(400);
	expect((await logIn(newClient(), 'nobody-here', PASSWORDS.unknownUser)).status).toBe(400);
	expect((await logIn(newClient(), 'holder', PASSWORDS.long)).status).toBe(400);
	expect((await logIn(newClient(), 'keeper', PASSWORDS.wrong)).status).toBe(400);
	expect((await logIn(newClient(), 'holder', PASSWORDS.first, { remember: 'on' })).status).toBe(
		303
	);

	const change = await user.post('/account?/changePassword', {
		currentPassword: PASSWORDS.first,
		newPassword: PASSWORDS.changed,
		confirmPassword: PASSWORDS.changed
	});
	expect(change.status).toBe(303);

	const holderId = (await storedUser(server(), 'holder'))?.id ?? '';
	await admin.post(`/admin/users/${holderId}?/createResetLink`, {});
	const linkPage = await (await admin.get(`/admin/users/${holderId}`)).text();
	const token = /\/reset-password\/([0-9a-f-]+\.[a-z2-7]{32})/.exec(linkPage)?.[1] ?? '';
	resetSecret = token.split('.')[1] ?? '';
	expect(resetSecret).toMatch(/^[a-z2-7]{32}$/);
	const reset = await new Client(server().origin).post(`/reset-password/${token}`, {
		newPassword: PASSWORDS.reset,
		confirmPassword: PASSWORDS.reset
	});
	expect(reset.status).toBe(303);

	const last = newClient();
	expect((await logIn(last, 'holder', PASSWORDS.reset, { remember: 'on' })).status).toBe(303);
	expect((await admin.post('/logout', {})).status).toBe(303);
});

const tokensSeen = () => clients.flatMap((client) => [...client.tokensSeen]);

/** Every file in the data directory (the journal too) and everything the server printed. */
async function everythingWritten(): Promise<Record<string, string>> {
	return { ...(await filesWritten(server())), 'server output': server().output() };
}

function expectAbsent(written: Record<string, string>, secret: string): void {
	for (const [where, text] of Object.entries(written)) {
		expect(text.includes(secret), `${JSON.stringify(secret)} in ${where}`).toBe(false);
	}
}

describe('secrets at rest and in logs', () => {
	it('wrote everything the checks below read', async () => {
		const written = await everythingWritten();
		for (const name of FILES) expect(written[name]).toBeDefined();
		const audit = await auditText(server());
		expect(audit).toContain('login.failure');
		expect(audit).toContain('password.reset');
		const { limits } = await readStored(server());
		expect(limits.map((limit) => limit.id)).toContain('login-user:keeper');
	});

	it.each(Object.keys(PASSWORDS) as (keyof typeof PASSWORDS)[])(
		'keeps the %s password out of the data files and the server output',
		async (which) => {
			expectAbsent(await everythingWritten(), PASSWORDS[which]);
		}
	);

	it('keeps every session token it handed out out of the data files and the server output', async () => {
		const tokens = tokensSeen();
		expect(tokens.length).toBe(5);
		const written = await everythingWritten();
		for (const token of tokens) expectAbsent(written, token);
		// what is stored instead: the digest of the tokens still in use
		const stored = new Set((await storedSessions(server())).map((session) => session.id));
		expect(tokens.some((token) => stored.has(sessionIdOf(token)))).toBe(true);
	});

	it("keeps the reset link's secret out of the data files and the server output", async () => {
		expectAbsent(await everythingWritten(), resetSecret);
	});

	it('stores passwords only as argon2id hashes', async () => {
		const users = await storedUsers(server());
		expect(users.length).toBe(2);
		for (const user of users) {
			expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[^$]+\$[^$]+$/);
		}
	});
});

describe('file permissions', () => {
	it('creates every file it writes readable by its owner only (0600)', async () => {
		const names = await fs.readdir(server().dataDir);
		expect(names).toEqual(expect.arrayContaining(FILES));
		for (const name of names) {
			const { mode } = await fs.stat(path.join(server().dataDir, name));
			expect((mode & 0o777).toString(8), name).toBe('600');
		}
	});

	it('creates the data directory for its owner only (0700)', async () => {
		const { mode } = await fs.stat(server().dataDir);
		expect((mode & 0o777).toString(8)).toBe('700');
	});

	it('does not serve the data files over HTTP', async () => {
		for (const name of FILES) {
			for (const candidate of [`/${name}`, `/data/${name}`, `/../${name}`]) {
				const response = await new Client(server().origin).get(candidate);
				expect(response.status).toBe(404);
				expect(await response.text()).not.toContain('passwordHash');
			}
		}
	});
});
