// The contract check itself (test/helpers/openapi-contract.ts): what it accepts and what it reports, on
// the app's real OpenAPI document. Every test file runs it on every response (test/helpers/contract-setup.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { compileContract, type OpenApiDocument } from '../helpers/openapi-contract.js';

let t: TestApp;
let check: ReturnType<typeof compileContract>;
let document: OpenApiDocument;
beforeAll(async () => {
  t = await createTestApp();
  document = (await t.anonymous.get('/api/openapi.json')).json();
  check = compileContract(document);
});
afterAll(async () => t?.close());

const problem = (status: number, code: string) => JSON.stringify({ type: 'about:blank', title: 'x', status, code, detail: 'd' });
const community = {
  id: '6f1c5a7e-8b1f-4c35-9d3e-2a8f0e4b7c11',
  slug: 'c',
  name: 'C',
  description: '',
  joinPolicy: 'open',
  memberCount: 1,
  myRoles: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const json = 'application/json; charset=utf-8';
const problemJson = 'application/problem+json; charset=utf-8';

describe('the OpenAPI contract check', () => {
  it('accepts responses the document declares', () => {
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 200, contentType: json, payload: JSON.stringify(community) })).toBeNull();
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 404, contentType: problemJson, payload: problem(404, 'not_found') })).toBeNull();
    expect(check({ method: 'POST', route: '/api/auth/logout', status: 204, contentType: undefined, payload: '' })).toBeNull();
    // Infrastructure problems are declared on every route they can happen on.
    expect(check({ method: 'POST', route: '/api/communities', status: 415, contentType: problemJson, payload: problem(415, 'unsupported_media_type') })).toBeNull();
    expect(check({ method: 'GET', route: '/api/me', status: 503, contentType: problemJson, payload: problem(503, 'database_unavailable') })).toBeNull();
  });

  it('reports an undeclared status, an undeclared content type and a body that does not match', () => {
    expect(check({ method: 'GET', route: '/api/me', status: 409, contentType: problemJson, payload: problem(409, 'x') })).toMatch(/getMe: status 409 is not declared/);
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 200, contentType: 'text/html', payload: '<p>' })).toMatch(/does not declare text\/html/);
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 200, contentType: json, payload: JSON.stringify({ ...community, memberCount: 'one' }) })).toMatch(/memberCount must be integer/);
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 200, contentType: json, payload: JSON.stringify({ ...community, id: 'nope' }) })).toMatch(/\/id must match format "uuid"/);
    expect(check({ method: 'GET', route: '/api/communities/:communityId', status: 404, contentType: problemJson, payload: JSON.stringify({ code: 'not_found' }) })).toMatch(/must have required property/);
    expect(check({ method: 'POST', route: '/api/auth/logout', status: 204, contentType: json, payload: '{}' })).toMatch(/declares no body/);
  });

  it('checks problem documents from routes outside the document too', () => {
    expect(check({ method: 'GET', route: undefined, status: 404, contentType: problemJson, payload: problem(404, 'route_not_found') })).toBeNull();
    expect(check({ method: 'GET', route: '/*', status: 404, contentType: problemJson, payload: JSON.stringify({ status: 404 }) })).toMatch(/required property/);
    expect(check({ method: 'GET', route: '/*', status: 200, contentType: 'text/html', payload: '<!doctype html>' })).toBeNull();
    expect(check({ method: 'GET', route: undefined, status: 400, contentType: 'application/json', payload: '{"error":"Bad Request"}' })).toMatch(/not a problem document/);
  });

  it('every operation has an operationId and a summary, and declares a 4xx problem response unless it cannot have one', () => {
    const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThan(50);
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of operations) {
      expect((op as { summary?: string }).summary, `${method} ${path}`).toBeTruthy();
      if (path === '/healthz' || path === '/readyz') continue;
      const clientErrors = Object.keys(op.responses).filter((s) => s.startsWith('4'));
      expect(clientErrors.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const s of clientErrors) expect(Object.keys(op.responses[s]!.content ?? {}), `${method} ${path} ${s}`).toEqual(['application/problem+json']);
    }
  });
});

describe('the document builder (server/openapi.ts)', () => {
  it('adds the infrastructure problems a route can give, and lists a bare problem schema as problem+json', async () => {
    const { openApiOptions } = await import('../../server/openapi.js');
    const { Problem } = await import('../../shared/schemas/common.js');
    const transform = openApiOptions().transform as (arg: object) => { schema: { response: Record<string, { content?: Record<string, unknown> }> } };
    const write = transform({ url: '/x', route: { method: 'POST', config: { rateLimit: { max: 1 } } }, schema: { body: {}, response: { 200: {}, 404: Problem } } });
    expect(Object.keys(write.schema.response).sort()).toEqual(['200', '400', '403', '404', '413', '415', '429', '503']);
    expect(Object.keys(write.schema.response['404']!.content!)).toEqual(['application/problem+json']);
    const read = transform({ url: '/y', route: { method: 'GET' }, schema: { response: { 200: {}, 503: { properties: { status: {} } } } } });
    // A plain GET with nothing to validate: only 503 is added, and a route's own 503 body is kept as it is.
    expect(Object.keys(read.schema.response).sort()).toEqual(['200', '503']);
    expect(read.schema.response['503']).toEqual({ properties: { status: {} } });
  });
});
