import type { TestProject } from 'vitest/node';
import { startTestPostgres } from './postgres';

/** One throwaway PostgreSQL cluster for a whole test project; each server gets its own database. */
export default async function setup(project: TestProject) {
	const cluster = await startTestPostgres();
	project.provide('postgresUrl', cluster.url);
	return () => cluster.destroy();
}
