// Every response of the test run, checked against the published contract (the OpenAPI document the app
// serves at GET /api/openapi.json), as NodeBB's test/api.js does. createTestApp() installs an onSend hook
// on each app it builds; the hook finds the operation (route + method) in the document and records a
// violation when the status is not declared for it, when the content type is not one it declares, or when
// a JSON body (success or problem) does not match the declared schema. test/helpers/contract-setup.ts
// fails the test file that produced any violation. Routes the document hides (the client's files, the
// document itself) are not part of the contract; a problem document from them must still be a Problem.
import type { FastifyInstance } from 'fastify';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

type Schema = Record<string, unknown>;
interface MediaTypeObject {
  schema?: Schema;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface ObservedResponse {
  method: string;
  /** The matched route as Fastify writes it (`/api/topics/:topicId`), or undefined when none matched. */
  route: string | undefined;
  status: number;
  contentType: string | undefined;
  /** The serialised body (string or Buffer), or something else (a stream) that is not checked. */
  payload: unknown;
}

export interface Violation {
  method: string;
  url: string;
  status: number;
  problem: string;
}

const BASE = 'urn:stoa:openapi';

/** Fastify's `/a/:b` → OpenAPI's `/a/{b}`. */
export const toOpenApiPath = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Local refs (`#/components/…`) → refs into the document registered under BASE. */
function rebase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebase);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${BASE}${v}` : rebase(v)]),
  );
}

/** A checker for one document: returns a description of what is wrong with a response, or null. */
export function compileContract(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: BASE, components: document.components ?? {} });
  const cache = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Schema) => {
    let fn = cache.get(key);
    if (!fn) cache.set(key, (fn = ajv.compile(rebase(schema) as Schema)));
    return fn;
  };
  const problemSchema = document.components?.schemas?.Problem;

  const checkBody = (key: string, schema: Schema | undefined, mediaType: string, payload: unknown): string | null => {
    if (!schema || !/[/+]json$/.test(mediaType)) return null;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return null; // a stream: not inspected
    let body: unknown;
    try {
      body = JSON.parse(payload.toString());
    } catch {
      return `the ${mediaType} body is not JSON`;
    }
    const validate = validator(key, schema);
    if (validate(body)) return null;
    const errors = (validate.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    return `the body does not match the schema: ${errors} — body ${JSON.stringify(body).slice(0, 300)}`;
  };

  return function check(response: ObservedResponse): string | null {
    const method = response.method.toLowerCase();
    if (method === 'head') return null;
    const mediaType = (response.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const path = response.route === undefined ? undefined : toOpenApiPath(response.route);
    const operation = path === undefined ? undefined : document.paths[path]?.[method];
    if (!operation) {
      // Not a documented operation (no route matched, or a hidden one): an error must still be a Problem.
      if (response.status >= 400 && mediaType !== 'application/problem+json') return `${response.status} from ${path ?? 'no route'} is ${mediaType || 'untyped'}, not a problem document`;
      return mediaType === 'application/problem+json' ? checkBody('Problem', problemSchema, mediaType, response.payload) : null;
    }
    const where = `${operation.operationId ?? `${method} ${path}`}`;
    const status = String(response.status);
    const declared = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (!declared) return `${where}: status ${status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`;
    const content = declared.content;
    const empty = response.payload === undefined || response.payload === null || response.payload === '' || (Buffer.isBuffer(response.payload) && response.payload.length === 0);
    if (!content) return empty ? null : `${where}: status ${status} declares no body but one was sent (${mediaType})`;
    if (empty) return `${where}: status ${status} declares a body but none was sent`;
    const media = content[mediaType];
    if (!media) return `${where}: status ${status} does not declare ${mediaType || 'a missing content type'} (declared: ${Object.keys(content).join(', ')})`;
    const wrong = checkBody(`${path} ${method} ${status} ${mediaType}`, media.schema, mediaType, response.payload);
    return wrong ? `${where}: status ${status}: ${wrong}` : null;
  };
}

const violations: Violation[] = [];

/** The violations recorded so far in this test file (and forgets them). */
export const takeContractViolations = () => violations.splice(0);

/** Checks every response `app` sends against the document it serves. Call before app.ready(). */
export function installContractCheck(app: FastifyInstance) {
  let check: ReturnType<typeof compileContract> | undefined;
  app.addHook('onSend', async (request, reply, payload) => {
    check ??= compileContract(app.swagger() as unknown as OpenApiDocument);
    const problem = check({
      method: request.method,
      route: request.routeOptions.url,
      status: reply.statusCode,
      contentType: reply.getHeader('content-type') as string | undefined,
      payload,
    });
    if (problem) violations.push({ method: request.method, url: request.url, status: reply.statusCode, problem });
    return payload;
  });
}
