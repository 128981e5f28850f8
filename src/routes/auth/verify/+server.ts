import { verifyRequest } from '$lib/server/apps/verify';
import type { RequestHandler } from './$types';

/** The reverse proxy's question before each request to a protected app; HEAD is answered alike. */
export const GET: RequestHandler = (event) => verifyRequest(event);
