// Preloaded into the server by the benchmark (node --import): reports the longest event-loop
// stall since the last reset over the IPC channel. The app itself has no benchmarking code.
import { startStallProbe } from './stall-probe.mjs';

const probe = startStallProbe();

process.on('message', (message) => {
	if (message === 'reset') {
		probe.reset();
		process.send?.({ reset: true });
	} else if (message === 'report') {
		process.send?.({ ...probe.report(), rssBytes: process.memoryUsage().rss });
	}
});
// The IPC channel must not keep the server alive on its own.
process.channel?.unref();
