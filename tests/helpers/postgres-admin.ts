import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A new, empty database on the cluster at `adminUrl`; returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'gatehouse'): Promise<string> {
	const name = `${prefix}_${randomBytes(6).toString('hex')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return url.href;
}
