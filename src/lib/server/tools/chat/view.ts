import type { AnswerStatus, ChatRecord } from './collection';
import { openQuestion } from './chats';

/** What ordinary people read when an answer failed: the settings behind it are for admins. */
export const MODEL_FAILED = 'The model could not answer. Try again in a moment.';

export interface MessageView {
	role: 'user' | 'assistant';
	content: string;
	status?: AnswerStatus;
	/** For a failed answer: what the viewer may know about why. */
	failure?: string;
}

export interface ChatView {
	id: string;
	title: string;
	messages: MessageView[];
	/** The last question has no answer yet, or a failed one: the page offers "Try again". */
	open: boolean;
}

export function failureFor(isAdmin: boolean, detail: string | undefined): string {
	return isAdmin && detail ? detail : MODEL_FAILED;
}

/** A chat as its owner's page shows it: a failure's detail only for admins. */
export function viewOf(chat: ChatRecord, isAdmin: boolean): ChatView {
	return {
		id: chat.id,
		title: chat.title,
		open: openQuestion(chat) !== null,
		messages: chat.messages.map(({ role, content, status, error }) => {
			if (status === 'failed')
				return { role, content, status, failure: failureFor(isAdmin, error) };
			return status ? { role, content, status } : { role, content };
		})
	};
}
