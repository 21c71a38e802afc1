import type { FastifyReply } from 'fastify';

/** 204 with no body (the type provider's typed send() wants a payload). */
export const noContent = (reply: FastifyReply) => (reply as FastifyReply).status(204).send();

/** 202 with no body: accepted, the rest happens by mail. */
export const accepted = (reply: FastifyReply) => (reply as FastifyReply).status(202).send();
