import type { Tool } from '../../tool';
import { deleteUserChats, exportChats } from './chats';
import { CHAT_MIGRATIONS, chats } from './collection';
import { chatConfig } from './config';

/** The chat page on any OpenAI-compatible API. */
export const chatTool: Tool = {
	name: 'chats',
	collections: [chats],
	migrations: CHAT_MIGRATIONS,
	start() {
		const { baseUrl, model } = chatConfig();
		console.log(
			baseUrl
				? `Gatehouse: chat uses the model ${model} at ${new URL(baseUrl).origin}`
				: 'Gatehouse: no chat model is configured (set LLM_BASE_URL to turn the chat on)'
		);
	},
	deleteUserData: deleteUserChats,
	exportUserData: exportChats
};
