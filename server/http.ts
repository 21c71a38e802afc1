import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** 204 with no body (the type provider's typed send() wants a payload). */
export const noContent = (reply: FastifyReply) => (reply as FastifyReply).status(204).send();

/** 202 with no body: accepted, the rest happens by mail. */
export const accepted = (reply: FastifyReply) => (reply as FastifyReply).status(202).send();

/**
 * The page reads a returning member's browser revalidates (topic page, its posts, topic lists): responses
 * carry an ETag (a SHA-1 of the body) and `Cache-Control: private, no-cache`, and a request whose
 * If-None-Match is still current gets 304 with no body, so a poor connection carries only headers.
 * The body is encoded to UTF-8 once, here: the hash, the Content-Length and the socket use that buffer
 * (@fastify/etag hashed the string, and Fastify then measured and encoded it again).
 * Registered inside a feature's route plugin, it applies to that plugin's routes only.
 */
export async function revalidatedReads(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode >= 300 || typeof payload !== 'string') return payload;
    const body = Buffer.from(payload);
    const tag = `"${hash('sha1', body, 'base64')}"`;
    reply.header('cache-control', 'private, no-cache');
    reply.header('etag', tag);
    if (stillCurrent(request.headers['if-none-match'], tag)) {
      reply.code(304);
      return '';
    }
    return body;
  });
}

/**
 * Whether an If-None-Match header names this ETag (RFC 9110 13.1.2: `*`, or a comma-separated list compared
 * weakly, so `W/"x"` matches `"x"`). Browsers send one tag; a proxy may send several.
 */
function stillCurrent(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((asked) => {
    const t = asked.trim();
    return (t.startsWith('W/') ? t.slice(2) : t) === tag;
  });
}

/** The 304 a revalidated read may answer (declare it beside the 200). */
export const notModified = { 304: { description: 'Not modified: the If-None-Match ETag is still current (no body).', type: 'null' } } as const;
