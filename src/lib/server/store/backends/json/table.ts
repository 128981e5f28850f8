import type { AnyCollection, Page, PageQuery, Row } from '../../collection';
import { DuplicateKeyError } from '../../errors';

type Field = (record: Row) => string;
const field =
	(name: string): Field =>
	(record) =>
		(record as unknown as Record<string, string>)[name] ?? '';

/**
 * One collection in memory: records by id in insertion order (newest last), a map per unique
 * field and a set of ids per look-up value. Records are immutable: a change puts a new object.
 * Every method is synchronous, so a check and the change it guards cannot be interleaved.
 */
export class Table {
	readonly byId = new Map<string, Row>();
	readonly #unique: Array<{ name: string; of: Field; map: Map<string, Row> }>;
	readonly #indexes: Array<{ name: string; of: Field; map: Map<string, Set<string>> }>;
	readonly #expires: Field | null;

	constructor(readonly collection: AnyCollection) {
		this.#unique = collection.unique.map((name) => ({ name, of: field(name), map: new Map() }));
		this.#indexes = collection.indexes.map((name) => ({ name, of: field(name), map: new Map() }));
		this.#expires = collection.expires ? field(collection.expires) : null;
	}

	get size(): number {
		return this.byId.size;
	}

	get(id: string): Row | undefined {
		return this.byId.get(id);
	}

	getBy(name: string, value: string): Row | undefined {
		return this.#uniqueNamed(name).map.get(value);
	}

	listBy(name: string, value: string): Row[] {
		const ids = this.#indexNamed(name).map.get(value);
		if (!ids) return [];
		return [...ids].map((id) => this.byId.get(id) as Row);
	}

	countBy(name: string, value: string): number {
		return this.#indexNamed(name).map.get(value)?.size ?? 0;
	}

	page({ contains, offset, limit }: PageQuery<string>): Page<Row> {
		const of = contains ? this.#uniqueNamed(contains.field).of : null;
		const matches: Row[] = [];
		for (const record of this.byId.values()) {
			if (!of || !contains || of(record).includes(contains.text)) matches.push(record);
		}
		matches.reverse();
		return { records: matches.slice(offset, offset + limit), total: matches.length };
	}

	/** Ids of the records whose expiry is not after `now` (ISO strings compare in time order). */
	expiredIds(nowIso: string): string[] {
		const expires = this.#expires;
		if (!expires) return [];
		const ids: string[] = [];
		for (const record of this.byId.values()) if (expires(record) <= nowIso) ids.push(record.id);
		return ids;
	}

	/**
	 * Puts a record, new or replacing the one with its id; returns the one it replaced. Checks
	 * every unique field first and changes nothing when one is taken.
	 */
	put(record: Row): Row | undefined {
		const previous = this.byId.get(record.id);
		for (const unique of this.#unique) {
			const value = unique.of(record);
			const holder = unique.map.get(value);
			if (holder && holder.id !== record.id) {
				throw new DuplicateKeyError(
					`${this.collection.name}: ${unique.name} ${JSON.stringify(value)} is taken by ${holder.id}`
				);
			}
		}
		if (previous) this.#unindex(previous);
		this.byId.set(record.id, record);
		this.#index(record);
		return previous;
	}

	delete(id: string): Row | undefined {
		const previous = this.byId.get(id);
		if (!previous) return undefined;
		this.#unindex(previous);
		this.byId.delete(id);
		return previous;
	}

	#index(record: Row): void {
		for (const unique of this.#unique) unique.map.set(unique.of(record), record);
		for (const index of this.#indexes) {
			const value = index.of(record);
			let ids = index.map.get(value);
			if (!ids) index.map.set(value, (ids = new Set()));
			ids.add(record.id);
		}
	}

	#unindex(record: Row): void {
		for (const unique of this.#unique) {
			const value = unique.of(record);
			if (unique.map.get(value)?.id === record.id) unique.map.delete(value);
		}
		for (const index of this.#indexes) {
			const value = index.of(record);
			const ids = index.map.get(value);
			ids?.delete(record.id);
			if (ids?.size === 0) index.map.delete(value);
		}
	}

	#uniqueNamed(name: string) {
		const unique = this.#unique.find((candidate) => candidate.name === name);
		if (!unique) throw new Error(`${this.collection.name} has no unique field ${name}`);
		return unique;
	}

	#indexNamed(name: string) {
		const index = this.#indexes.find((candidate) => candidate.name === name);
		if (!index) throw new Error(`${this.collection.name} has no look-up by ${name}`);
		return index;
	}
}
