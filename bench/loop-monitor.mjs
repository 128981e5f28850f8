// Preloaded into the server by the benchmark (node --import): reports the longest event-loop
// stall since the last reset over the IPC channel. The app itself has no benchmarking code.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();

process.on('message', (message) => {
	if (message === 'reset') {
		histogram.reset();
		process.send?.({ reset: true });
	} else if (message === 'report') {
		process.send?.({ maxStallMs: histogram.max / 1e6, rssBytes: process.memoryUsage().rss });
	}
});
// The IPC channel must not keep the server alive on its own.
process.channel?.unref();
