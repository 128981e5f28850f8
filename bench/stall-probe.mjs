// The longest event-loop stall: a 1 ms interval timer measuring how late it fires.
// perf_hooks.monitorEventLoopDelay is reported next to it, but on Node 20 it misses long
// blocks (it recorded 1.2 ms for a 200 ms busy loop), so the probe is what the targets use.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function startStallProbe() {
	const histogram = monitorEventLoopDelay({ resolution: 1 });
	histogram.enable();
	let worst = 0;
	let last = performance.now();
	const timer = setInterval(() => {
		const now = performance.now();
		worst = Math.max(worst, now - last - 1);
		last = now;
	}, 1);
	timer.unref();
	return {
		reset() {
			worst = 0;
			last = performance.now();
			histogram.reset();
		},
		report() {
			return { maxStallMs: worst, eldMaxMs: histogram.max / 1e6 };
		},
		stop() {
			clearInterval(timer);
			histogram.disable();
		}
	};
}
