import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';

/**
 * The events of a server-sent-events body, parsed by eventsource-parser (used on the server for
 * the model's answer and in the browser for ours). Stopping early cancels the body.
 */
export async function* readServerSentEvents(
	body: ReadableStream<Uint8Array>
): AsyncGenerator<EventSourceMessage> {
	const reader = body
		.pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>)
		.pipeThrough(new EventSourceParserStream())
		.getReader();
	let finished = false;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				finished = true;
				return;
			}
			yield value;
		}
	} finally {
		if (!finished) await reader.cancel().catch(() => {});
	}
}
