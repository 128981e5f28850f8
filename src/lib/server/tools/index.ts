import type { Tool } from '../tool';
import { chatTool } from './chat';

/** The tools this Gatehouse runs. Add a tool here and its route folder under routes/(app)/. */
export const installedTools: readonly Tool[] = [chatTool];
