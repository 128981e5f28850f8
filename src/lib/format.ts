const dateTime = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'short',
	timeZone: 'UTC'
});
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

/** Fixed to UTC so the server's and the browser's rendering always agree. */
export function formatDateTime(iso: string): string {
	return `${dateTime.format(new Date(iso))} UTC`;
}

export function formatDate(iso: string): string {
	return date.format(new Date(iso));
}
