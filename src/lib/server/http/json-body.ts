import { error, json } from '@sveltejs/kit';

/** A JSON endpoint's body as an object of fields; a 400 for anything else. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		error(400, 'The request body must be JSON.');
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		error(400, 'The request body must be a JSON object.');
	}
	return body as Record<string, unknown>;
}

/** A refusal a script shows as it is: `{ message }` with its status. */
export function jsonRefusal(status: number, message: string): Response {
	return json({ message }, { status });
}
