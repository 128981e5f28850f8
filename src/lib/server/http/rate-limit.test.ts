import { describe, expect, it } from 'vitest';
import { fewAttemptsLeft, remainingAfterHit, type Counter } from './rate-limit';

const rule = { name: 'login-user', max: 5, windowSeconds: 900 };
const counter = (recent: number[]): Counter => ({
	rule,
	record: { id: 'login-user:x', hits: recent, expiresAt: '' },
	recent
});
const NOW = 1_000_000_000;

describe('remainingAfterHit', () => {
	it('counts the event itself and gives the window while events are left', () => {
		expect(remainingAfterHit(counter([]), NOW)).toEqual({ left: 4, pauseSeconds: 900 });
		expect(remainingAfterHit(counter([NOW - 1000, NOW - 500]), NOW)).toEqual({
			left: 2,
			pauseSeconds: 900
		});
	});

	it('gives the real wait once nothing is left: until the oldest event leaves the window', () => {
		const recent = [NOW - 300_000, NOW - 3000, NOW - 2000, NOW - 1000];
		expect(remainingAfterHit(counter(recent), NOW)).toEqual({ left: 0, pauseSeconds: 600 });
	});
});

describe('fewAttemptsLeft', () => {
	it('says nothing while more than two are left', () => {
		expect(fewAttemptsLeft({ left: 3, pauseSeconds: 900 })).toBeNull();
	});

	it('names the attempts and the pause', () => {
		expect(fewAttemptsLeft({ left: 2, pauseSeconds: 900 })).toBe(
			'2 attempts left before a 15-minute pause.'
		);
		expect(fewAttemptsLeft({ left: 1, pauseSeconds: 60 })).toBe(
			'1 attempt left before a 60-second pause.'
		);
		expect(fewAttemptsLeft({ left: 0, pauseSeconds: 600 })).toBe(
			'No attempts left: please try again in 10 minutes.'
		);
	});
});
