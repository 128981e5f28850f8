/** Reads a line from the terminal without echoing it (for passwords). */
export function promptHidden(question: string): Promise<string> {
	const input = process.stdin;
	if (!input.isTTY) throw new Error('No terminal to ask for a password: use --password-stdin');
	process.stdout.write(question);
	input.setRawMode(true);
	input.resume();
	input.setEncoding('utf8');
	return new Promise((resolve, reject) => {
		let typed = '';
		const done = (error?: Error) => {
			input.setRawMode(false);
			input.pause();
			input.off('data', onData);
			process.stdout.write('\n');
			if (error) reject(error);
			else resolve(typed);
		};
		const onData = (chunk: string) => {
			for (const char of chunk) {
				if (char === '\r' || char === '\n') return done();
				if (char === '\u0003') return done(new Error('Cancelled'));
				if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
				else typed += char;
			}
		};
		input.on('data', onData);
	});
}

/** All of standard input, without the final line break. */
export async function readStdin(): Promise<string> {
	let text = '';
	process.stdin.setEncoding('utf8');
	for await (const chunk of process.stdin) text += chunk as string;
	return text.replace(/\r?\n$/, '');
}
