export type Answer<T> = { ok: true; data: T } | { ok: false; message: string };

const UNREACHABLE = 'Gatehouse could not be reached. Check your connection and try again.';

/** POSTs `body` as JSON to this site; the answer's data, or the sentence to show. */
export async function postJson<T>(path: string, body: unknown): Promise<Answer<T>> {
	let response: Response;
	try {
		response = await fetch(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify(body)
		});
	} catch {
		return { ok: false, message: UNREACHABLE };
	}
	const data: unknown = await response.json().catch(() => null);
	if (response.ok && data !== null) return { ok: true, data: data as T };
	const message = (data as { message?: unknown } | null)?.message;
	return {
		ok: false,
		message: typeof message === 'string' ? message : 'Something went wrong. Please try again.'
	};
}
