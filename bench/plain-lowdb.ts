// Run as a child process: what plain lowdb (JSONFile, as in its README) costs on the same data:
// reading the file, and the longest event-loop stall of one update() + write().
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { startStallProbe } from './stall-probe.mjs';

type Data = { users: Array<Record<string, unknown>> };

const source = process.argv[2];
if (!source) throw new Error('usage: plain-lowdb.ts <users.json>');
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'plain-lowdb-'));
const file = path.join(dir, 'users.json');
await fs.copyFile(source, file);

const db = new Low<Data>(new JSONFile<Data>(file), { users: [] });
const readStarted = performance.now();
await db.read();
const readMs = performance.now() - readStarted;

const probe = startStallProbe();
await new Promise((resolve) => setTimeout(resolve, 50));
probe.reset();
await db.update((data) => {
	data.users.push({ id: randomUUID(), username: 'plain', createdAt: new Date().toISOString() });
});
await new Promise((resolve) => setTimeout(resolve, 50));
const { maxStallMs } = probe.report();
probe.stop();

await fs.rm(dir, { recursive: true, force: true });
console.log(JSON.stringify({ readMs, writeStallMs: maxStallMs }));
