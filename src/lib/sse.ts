export interface ServerSentEvent {
	event: string;
	data: string;
}

/**
 * Parses a server-sent-events stream (used on the server for the model's answer and in the
 * browser for ours). Events end with a blank line; a line may be split across chunks.
 */
export async function* readServerSentEvents(
	body: ReadableStream<Uint8Array>
): AsyncGenerator<ServerSentEvent> {
	const decoder = new TextDecoder();
	const reader = body.getReader();
	let buffer = '';
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			buffer += decoder.decode(value, { stream: true });
			let end: number;
			while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
				let event = 'message';
				const data: string[] = [];
				for (const line of block.split(/\r?\n/)) {
					if (line.startsWith('event:')) event = line.slice(6).trim();
					else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
				}
				if (data.length > 0) yield { event, data: data.join('\n') };
			}
		}
	} finally {
		reader.releaseLock();
	}
}
