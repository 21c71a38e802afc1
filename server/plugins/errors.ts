// Every error leaves the server as RFC 9457 problem JSON with a stable `code`; no stack traces, no 5xx details.
import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply } from 'fastify';
import { AppError } from '../errors.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/errors.js';
import { Problem } from '../../shared/schemas/common.js';

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

function send(reply: FastifyReply, status: number, code: string, detail: string, extra: Record<string, unknown> = {}) {
  if (typeof extra.retryAfter === 'number') reply.header('retry-after', String(extra.retryAfter));
  return reply
    .status(status)
    .type(PROBLEM_TYPE)
    .send({ type: `about:blank`, title: titleFor(status), status, code, detail, ...extra });
}

function titleFor(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      409: 'Conflict',
      413: 'Content Too Large',
      415: 'Unsupported Media Type',
      422: 'Unprocessable Content',
      429: 'Too Many Requests',
      503: 'Service Unavailable',
    }[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  );
}

/**
 * Fastify's `frameworkErrors`: errors it raises before routing (a path that is not valid percent-encoded
 * UTF-8, FST_ERR_BAD_URL) would otherwise skip the error handler and answer in Fastify's own format.
 */
export function frameworkErrors(err: FastifyError, _request: unknown, reply: FastifyReply) {
  if (err.code === 'FST_ERR_BAD_URL') return send(reply, 400, 'bad_url', 'The address is not valid (it must be percent-encoded UTF-8).');
  return send(reply, 400, 'bad_request', err.message);
}

export default fp(
  async (app) => {
    // Routes refer to it as ProblemRef (`$ref: 'Problem#'`); the OpenAPI document lists it once.
    app.addSchema(Problem);
    app.setErrorHandler((err: FastifyError & { cause?: unknown }, request, reply) => {
      if (err instanceof AppError) return send(reply, err.status, err.code, err.message, err.extra);
      if (err.validation) {
        const first = err.validation[0];
        const params = (first?.params ?? {}) as Record<string, unknown>;
        const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
        const extraProp = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
        const field = [path, missing ?? extraProp].filter(Boolean).join('.') || err.validationContext || 'body';
        const where = err.validationContext ?? 'body';
        const message = missing
          ? `${field} is required`
          : extraProp
            ? `${field} is not an accepted field`
            : `${field} ${first?.message ?? 'is invalid'}`;
        return send(reply, 400, 'validation_failed', `Invalid ${where}: ${message}.`, { field, in: where });
      }
      switch (err.code) {
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
          return send(reply, 413, 'body_too_large', 'The request body is too large.');
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return send(reply, 415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json).');
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return send(reply, 400, 'malformed_json', 'The JSON body is empty.');
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
          return send(reply, 400, 'malformed_json', 'The body is not valid JSON.');
      }
      // Request JSON is parsed by json-input.ts, which throws AppErrors: any other SyntaxError is a bug
      // (e.g. a bad regular expression) and must surface as a 500, not pass for the client's mistake.
      if (err.statusCode === 429) return send(reply, 429, 'rate_limited', 'Too many requests; slow down.');
      if (isDatabaseUnavailable(err)) {
        request.log.warn({ err }, 'database unavailable');
        return send(reply, 503, 'database_unavailable', 'The database is not reachable; try again shortly.', {
          retryAfter: DATABASE_RETRY_AFTER_SECONDS,
        });
      }
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return send(reply, err.statusCode, 'bad_request', err.message);
      }
      request.log.error({ err }, 'unhandled error');
      return send(reply, 500, 'internal_error', 'Something went wrong on our side.');
    });

    app.setNotFoundHandler((request, reply) =>
      send(reply, 404, 'route_not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
    );
  },
  { name: 'errors' },
);
