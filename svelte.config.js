import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter(),
		typescript: {
			// The operator commands in scripts/ import the server code: type-check them with it.
			config: (tsconfig) => {
				tsconfig.include.push('../scripts/**/*.ts');
			}
		}
	}
};

export default config;
