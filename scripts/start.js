// `npm start`: the production server (`node build`), with two conveniences for operators.
//
// 1. adapter-node assumes https when ORIGIN is not set, and SvelteKit then refuses every form POST
//    from http://localhost as cross-site; so without ORIGIN (or PROTOCOL_HEADER) this assumes the
//    app is opened at http://localhost:<PORT> and says so.
// 2. adapter-node reads ORIGIN when its handler loads, before Gatehouse's own start-up checks run,
//    and answers a bad value with a stack trace; so ORIGIN and PORT are checked here first, with
//    the same one-line messages the server gives (src/lib/server/config/index.ts).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** One line, exit code 1: the operator fixes a setting, not the code. */
function refuse(problem) {
	console.error(`Gatehouse cannot start: ${problem}`);
	process.exit(1);
}

const port = process.env.PORT?.trim() || '3000';
if (!/^\d{1,5}$/.test(port) || Number(port) > 65_535) {
	refuse(`PORT must be a port number from 0 to 65535, got "${port}"`);
}

const origin = process.env.ORIGIN?.trim();
if (origin) {
	let protocol = '';
	try {
		protocol = new URL(origin).protocol;
	} catch {
		// refused below
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		refuse(`ORIGIN must be a URL such as https://team.example.com, got "${origin}"`);
	}
} else if (!process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://localhost:${port}`;
	console.log(
		`ORIGIN is not set: assuming the app is opened at ${process.env.ORIGIN}. ` +
			'Behind a proxy or on a public host, set ORIGIN to the public URL (see the README).'
	);
}

// GATEHOUSE_BUILD_DIR lets the tests start their own build (build-test/) the way npm start does.
const build = path.resolve(import.meta.dirname, '..', process.env.GATEHOUSE_BUILD_DIR || 'build');
await import(pathToFileURL(path.join(build, 'index.js')).href);
