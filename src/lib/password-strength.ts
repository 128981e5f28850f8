import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

let checker: Promise<ZxcvbnFactory> | null = null;

/** zxcvbn-ts and its dictionaries are large: fetched the first time someone types a password. */
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
			})
	);
	return checker;
}

export interface Strength {
	/** 0 (very weak) to 4 (strong). */
	score: number;
	label: string;
	warning: string;
}

const LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'];

/** A hint only: the server decides what is accepted. */
export async function estimateStrength(password: string, userInputs: string[]): Promise<Strength> {
	const result = (await load()).check(password, userInputs);
	return {
		score: result.score,
		label: LABELS[result.score] ?? '',
		warning: result.feedback.warning ?? result.feedback.suggestions[0] ?? ''
	};
}
