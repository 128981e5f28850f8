import fs from 'node:fs';
import { JsonStore } from '../src/lib/server/store/backends/json/json-store';
import { withoutPassword } from '../src/lib/server/store/backends/postgres/errors';
import { PostgresStore } from '../src/lib/server/store/backends/postgres/postgres-store';
import {
	users,
	type AnyCollection,
	type Collection,
	type Row,
	type Store
} from '../src/lib/server/store';
import { storeContents } from '../src/lib/server/tool';
import { readArguments, runCommand, settings, UsageError } from './cli';

const USAGE = `Usage:
  npm run migrate-store -- --to postgres://user:password@host:5432/db
      Copies the JSON data directory (DATA_DIR, default ./data; the server stopped) into an
      empty PostgreSQL database, in one transaction, and checks the counts.
  npm run migrate-store -- --from postgres://... --to-json <dir>
      Copies a database into a new JSON data directory <dir>, and checks the counts.`;

/** Any collection, as the store's typed reader takes it (this command copies records as they are). */
const untyped = (collection: AnyCollection) =>
	collection as unknown as Collection<Row, never, never>;

/** Records inserted per round trip group; PostgreSQL pipelines a group on one connection. */
const GROUP = 500;

async function everything(store: Store, collection: AnyCollection) {
	const { records } = await store
		.of(untyped(collection))
		.page({ offset: 0, limit: Number.MAX_SAFE_INTEGER });
	return records.reverse();
}

/**
 * Copies every collection (users first, so that what refers to them has them) and the audit
 * trail from one store into an empty one, then counts both sides. Returns the counts.
 */
async function copy(from: Store, to: Store, collections: readonly AnyCollection[]) {
	if ((await to.of(users).count()) > 0) {
		throw new Error(`${to.location} already holds users: it must be empty, nothing was copied`);
	}
	const data = new Map<AnyCollection, Awaited<ReturnType<typeof everything>>>();
	for (const collection of collections) data.set(collection, await everything(from, collection));
	await to.update(async (tx) => {
		for (const [collection, records] of data) {
			const writer = tx.of(untyped(collection));
			for (let start = 0; start < records.length; start += GROUP) {
				await Promise.all(
					records.slice(start, start + GROUP).map((record) => writer.insert(record))
				);
			}
		}
	});
	const { entries } = await from.audit.page(0, Number.MAX_SAFE_INTEGER);
	for (const entry of entries.reverse()) await to.audit.append(entry);

	const counts: Array<[string, number]> = [];
	for (const [collection, records] of data) {
		const copied = await to.of(untyped(collection)).count();
		if (copied !== records.length) {
			throw new Error(`${collection.name}: ${records.length} read but ${copied} stored`);
		}
		counts.push([collection.name, copied]);
	}
	counts.push(['audit entries', entries.length]);
	return counts;
}

runCommand(USAGE, async () => {
	const { values, positionals } = readArguments({
		to: { type: 'string' },
		from: { type: 'string' },
		'to-json': { type: 'string' }
	});
	if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}`);
	const config = settings();
	const { collections, migrations } = storeContents();
	const toDatabase = values.to !== undefined;
	const toJson = values.from !== undefined && values['to-json'] !== undefined;
	if (toDatabase === toJson) throw new UsageError('Give either --to, or --from with --to-json.');

	let from: Store;
	let to: Store;
	if (toDatabase) {
		if (!fs.existsSync(config.dataDir))
			throw new Error(`There is no data directory ${config.dataDir}`);
		from = await JsonStore.open(config.dataDir, collections);
		to = await PostgresStore.open(values.to ?? '', collections, migrations).catch(async (error) => {
			await from.close();
			throw error;
		});
	} else {
		from = await PostgresStore.open(values.from ?? '', collections, migrations);
		to = await JsonStore.open(values['to-json'] ?? '', collections).catch(async (error) => {
			await from.close();
			throw error;
		});
	}
	try {
		const counts = await copy(from, to, collections);
		console.log(`Copied ${from.location} to ${to.location} and checked:`);
		for (const [name, count] of counts) console.log(`  ${name}: ${count}`);
		if (toDatabase) {
			console.log(
				`Start Gatehouse with DATABASE_URL=${withoutPassword(values.to ?? '')} to use it.`
			);
		}
	} finally {
		await to.close();
		await from.close();
	}
});
