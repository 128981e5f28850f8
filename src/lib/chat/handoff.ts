import { browser } from '$app/environment';

/**
 * The new-chat box on /chat stores the first message and moves to the chat's page, which then
 * streams the answer: this says which chat is waiting. Browser memory only, so a reload never
 * asks again (the page offers "Try again" for a question left without an answer).
 */
let waiting: string | null = null;

export function answerOnArrival(chatId: string): void {
	if (browser) waiting = chatId;
}

export function takeArrival(chatId: string): boolean {
	if (!browser || waiting !== chatId) return false;
	waiting = null;
	return true;
}
