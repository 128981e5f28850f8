import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

let checker: Promise<ZxcvbnFactory> | null = null;

/** zxcvbn-ts and its word lists (750 kB): fetched once, and never with the page itself. */
function load(): Promise<ZxcvbnFactory> {
	checker ??= Promise.all([
		import('@zxcvbn-ts/core'),
		import('@zxcvbn-ts/language-common'),
		import('@zxcvbn-ts/language-en')
	]).then(
		([core, common, english]) =>
			new core.ZxcvbnFactory({
				dictionary: { ...common.dictionary, ...english.dictionary },
				graphs: common.adjacencyGraphs,
				translations: english.translations
			}),
		(error: unknown) => {
			// A failed download (offline for a moment) is tried again on the next focus.
			checker = null;
			throw error;
		}
	);
	return checker;
}

/**
 * Starts the download when a new-password field is focused, so it arrives while the person
 * types. Without it the hint is missing, nothing else: the server decides what is accepted.
 */
export function prepareStrength(): void {
	load().catch(() => undefined);
}

export interface Strength {
	/** 0 (very weak) to 4 (strong). */
	score: number;
	label: string;
	warning: string;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

/**
 * zxcvbn's time grows quickly with length (a tenth of a second past 50 characters); what a
 * password has beyond 40 never makes it weaker, so the hint looks at the first 40 only.
 */
const CHECKED_LENGTH = 40;

/** A hint only: the server decides what is accepted. */
export async function estimateStrength(password: string, userInputs: string[]): Promise<Strength> {
	const result = (await load()).check([...password].slice(0, CHECKED_LENGTH).join(''), userInputs);
	return {
		score: result.score,
		label: LABELS[result.score] ?? '',
		warning: result.feedback.warning ?? result.feedback.suggestions[0] ?? ''
	};
}
