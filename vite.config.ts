import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [sveltekit()],
	build: {
		// The only chunks over Vite's 500 kB default are zxcvbn-ts's word lists (1.2 MB and 430 kB,
		// 840 kB gzipped): data, fetched when someone focuses a new-password field, never on page
		// load. tests/http/build.test.ts checks that nothing else grows past 500 kB.
		chunkSizeWarningLimit: 1300,
		rolldownOptions: {
			// Rolldown's note on slow plugins times SvelteKit's own build steps; nothing to act on.
			checks: { pluginTimings: false }
		}
	},
	test: {
		expect: { requireAssertions: true },
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.test.ts']
				}
			},
			...['json', 'postgres'].flatMap((backend) =>
				['http', 'security'].map((suite) => ({
					extends: './vite.config.ts',
					test: {
						// The HTTP and security suites run once per storage backend.
						name: backend === 'json' ? suite : `${suite}-postgres`,
						environment: 'node',
						include: [`tests/${suite}/**/*.test.ts`],
						env: { GATEHOUSE_TEST_STORE: backend },
						globalSetup: backend === 'postgres' ? ['tests/helpers/postgres-setup.ts'] : [],
						testTimeout: 60_000,
						hookTimeout: 60_000
					}
				}))
			),
			{
				extends: './vite.config.ts',
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['tests/e2e/**/*.test.ts'],
					testTimeout: 90_000,
					hookTimeout: 60_000,
					// one Chromium at a time: the machine has two cores
					fileParallelism: false
				}
			}
		]
	}
});
