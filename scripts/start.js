// `npm start`: the production server (`node build`), with one convenience for a first run on
// your own machine. adapter-node assumes https when ORIGIN is not set, and SvelteKit then refuses
// every form POST from http://localhost as cross-site; so without ORIGIN (or PROTOCOL_HEADER)
// this assumes the app is opened at http://localhost:<PORT> and says so.
const port = process.env.PORT || '3000';
if (!process.env.ORIGIN && !process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN = `http://localhost:${port}`;
	console.log(
		`ORIGIN is not set: assuming the app is opened at ${process.env.ORIGIN}. ` +
			'Behind a proxy or on a public host, set ORIGIN to the public URL (see the README).'
	);
}
await import('../build/index.js');
