import type { FastifyReply } from 'fastify';

/** 204 with no body (the type provider's typed send() wants a payload). */
export const noContent = (reply: FastifyReply) => (reply as FastifyReply).status(204).send();
