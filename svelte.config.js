import adapter from '@sveltejs/adapter-node';

// `npm test` builds into its own folder (GATEHOUSE_BUILD_DIR=build-test), so a running `npm start`
// keeps serving the build/ it started from instead of finding its files replaced under it.
const out = process.env.GATEHOUSE_BUILD_DIR || 'build';

/**
 * adapter-node bundles the server with Rollup, which reports SvelteKit's `$env` module as an
 * empty chunk when the app never reads `$env` (Gatehouse reads process.env, shared with its CLI).
 * The adapter takes no `onwarn`, so this one message, and only it, is dropped while it runs.
 * @param {import('@sveltejs/kit').Adapter} inner
 * @returns {import('@sveltejs/kit').Adapter}
 */
function withoutEmptyEnvChunkNote(inner) {
	return {
		...inner,
		async adapt(builder) {
			const warn = console.warn;
			console.warn = (message, ...rest) => {
				if (message !== 'Generated an empty chunk: "chunks/env.js".') warn(message, ...rest);
			};
			try {
				await inner.adapt(builder);
			} finally {
				console.warn = warn;
			}
		}
	};
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: withoutEmptyEnvChunkNote(adapter({ out })),
		// Nonces for SvelteKit's inline scripts; nothing else may run, load or frame the app.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// SvelteKit's route announcer has a style attribute. Attributes cannot run script or
				// carry selectors; <style> elements stay limited to our own files.
				'style-src-attr': ['unsafe-inline'],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'form-action': ['self'],
				'object-src': ['none'],
				'base-uri': ['none'],
				'frame-ancestors': ['none']
			}
		},
		typescript: {
			// The operator commands in scripts/ import the server code: type-check them with it.
			config: (tsconfig) => {
				tsconfig.include.push('../scripts/**/*.ts', '../bench/**/*.ts');
			}
		}
	}
};

export default config;
