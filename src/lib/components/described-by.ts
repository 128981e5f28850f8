/** The `aria-describedby` of a form control: its hint and its error, when they exist. */
export function describedByIds(id: string, hint?: string, error?: string): string | undefined {
	return (
		[hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') ||
		undefined
	);
}
