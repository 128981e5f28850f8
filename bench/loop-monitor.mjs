// Preloaded into a server by the benchmark (node --import): reports, over the IPC channel, the
// longest event-loop stall since the last reset, the process's CPU time and its memory. The
// app itself has no benchmarking code.
import { startStallProbe } from './stall-probe.mjs';

const probe = startStallProbe();

process.on('message', (message) => {
	if (message === 'reset') {
		probe.reset();
		process.send?.({ reset: true });
	} else if (message === 'report') {
		const cpu = process.cpuUsage();
		process.send?.({
			...probe.report(),
			cpuMicros: cpu.user + cpu.system,
			rssBytes: process.memoryUsage().rss,
			heapUsedBytes: process.memoryUsage().heapUsed
		});
	}
});
// The IPC channel must not keep the server alive on its own.
process.channel?.unref();
