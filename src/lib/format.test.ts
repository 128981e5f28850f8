import { describe, expect, it } from 'vitest';
import {
	formatDate,
	formatDateTime,
	formatDuration,
	formatLocalDateTime,
	formatRelative
} from './format';

const AT = '2026-11-23T14:05:00.000Z';
const now = Date.parse(AT);
const later = (seconds: number) => now + seconds * 1000;

describe('formatDateTime and formatDate', () => {
	it('render UTC, labelled as such', () => {
		expect(formatDateTime(AT)).toBe('23 Nov 2026, 14:05 UTC');
		expect(formatDate(AT)).toBe('23 Nov 2026 UTC');
	});

	it('render local time in the same format', () => {
		expect(formatLocalDateTime(AT, 'Asia/Tokyo')).toBe('23 Nov 2026, 23:05');
	});
});

describe('formatRelative', () => {
	it.each([
		[later(10), 'just now'],
		[later(120), '2 minutes ago'],
		[later(3600 * 3), '3 hours ago'],
		[later(86_400), 'yesterday'],
		[later(86_400 * 5), '5 days ago'],
		[now - 600_000, 'in 10 minutes']
	])('at %i says %s', (clock, text) => {
		expect(formatRelative(AT, clock)).toBe(text);
	});

	it('gives up after a month, where a date reads better', () => {
		expect(formatRelative(AT, later(86_400 * 40))).toBeNull();
	});
});

describe('formatDuration', () => {
	it.each([
		[1800, '30 minutes'],
		[3600, '1 hour'],
		[5400, '90 minutes'],
		[86_400 * 2, '2 days'],
		[1, '1 second'],
		[61, '61 seconds']
	])('%i seconds read %s', (seconds, text) => {
		expect(formatDuration(seconds)).toBe(text);
	});
});
