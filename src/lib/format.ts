const LOCALE = 'en-GB';

const utcDateTime = new Intl.DateTimeFormat(LOCALE, {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});
const utcDate = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone: 'UTC' });

/**
 * The server does not know the reader's time zone, so what it renders is UTC and says so. The
 * browser replaces it with local time after hydration (`Time.svelte`).
 */
export function formatDateTime(iso: string): string {
	return `${utcDateTime.format(new Date(iso))} UTC`;
}

export function formatDate(iso: string): string {
	return `${utcDate.format(new Date(iso))} UTC`;
}

/** The same formats in the time zone of whoever runs this: the browser. */
export function formatLocalDateTime(iso: string, timeZone?: string): string {
	return new Intl.DateTimeFormat(LOCALE, {
		dateStyle: 'medium',
		timeStyle: 'short',
		timeZone
	}).format(new Date(iso));
}

export function formatLocalDate(iso: string, timeZone?: string): string {
	return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeZone }).format(new Date(iso));
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
	['day', 86_400],
	['hour', 3600],
	['minute', 60]
];

/** "2 minutes ago", "in 3 hours"; null beyond a month, where a date reads better. */
export function formatRelative(iso: string, now: number): string | null {
	const seconds = (Date.parse(iso) - now) / 1000;
	const size = Math.abs(seconds);
	if (size < 45) return 'just now';
	if (size >= 30 * 86_400) return null;
	const [unit, length] = UNITS.find(([, length]) => size >= length) ?? ['minute', 60];
	return relative.format(Math.round(seconds / length), unit);
}

const DURATIONS: Array<[string, number]> = [
	['day', 86_400],
	['hour', 3600],
	['minute', 60],
	['second', 1]
];

/** "30 minutes", "1 hour", "90 minutes": the largest unit that divides the time exactly. */
export function formatDuration(seconds: number): string {
	const [unit, length] = DURATIONS.find(([, length]) => seconds % length === 0) ?? ['second', 1];
	const count = seconds / length;
	return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
