// The response serializers read nullable primitives as type lists (plugins/lazy-compile.ts nullableAsTypeList):
// the JSON must be what the unions' serializer writes, and the OpenAPI document keeps the unions.
import { describe, expect, it } from 'vitest';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { PostPage } from '../../shared/schemas/posts.js';
import { TopicDetail, TopicPage } from '../../shared/schemas/topics.js';
import { nullableAsTypeList } from '../../server/plugins/lazy-compile.js';

const compile = (schema: unknown) => SerializerSelector()({}, {})({ schema: schema as object, method: 'GET', url: '/x', httpStatus: '200' });
const nullableUnions = (schema: unknown): number =>
  schema === null || typeof schema !== 'object'
    ? 0
    : (Array.isArray((schema as { anyOf?: unknown }).anyOf) && (schema as { anyOf: Array<{ type?: string }> }).anyOf.some((o) => o.type === 'null') ? 1 : 0) +
      Object.values(schema).reduce((n: number, v) => n + nullableUnions(v), 0);

const post = (over: Record<string, unknown>) => ({
  id: '11111111-1111-4111-8111-111111111111', topicId: '22222222-2222-4222-8222-222222222222', parentId: null, promptId: null, depth: 0,
  author: { id: '33333333-3333-4333-8333-333333333333', displayName: 'Ann "the" <b>', handle: 'ann' },
  bodyHtml: '<p class="x">Ünïcode \\ "quotes"\n</p>', bodyMd: null, createdAt: '2026-12-07T01:02:03.456Z', editedAt: null, version: 1,
  status: 'published', statusReason: null, removedByModerator: false, helpfulCount: 0, helpfulByMe: false, isSolution: false, ...over,
});

describe('nullable primitives in response serializers', () => {
  it('writes the same JSON as the unions do, null or not', () => {
    const page = {
      items: [
        post({}),
        post({ parentId: '44444444-4444-4444-8444-444444444444', promptId: '55555555-5555-4555-8555-555555555555', bodyHtml: null, bodyMd: '**md**', editedAt: '2026-12-07T02:00:00.000Z', statusReason: 'spam', status: 'removed', removedByModerator: true }),
      ],
      nextCursor: null,
      liveCursor: 7,
    };
    expect(nullableUnions(PostPage)).toBeGreaterThan(4);
    const transformed = nullableAsTypeList(PostPage);
    expect(nullableUnions(transformed)).toBe(0);
    expect(nullableUnions(PostPage)).toBeGreaterThan(4); // the route's own schema (the OpenAPI document's) is left alone
    const json = compile(transformed)(page);
    expect(json).toBe(compile(PostPage)(page));
    expect(JSON.parse(json)).toEqual(page);
    expect(compile(transformed)({ ...page, nextCursor: 'abc' })).toBe(compile(PostPage)({ ...page, nextCursor: 'abc' }));
  });

  it('leaves the other schemas of the read pages serialisable', () => {
    for (const schema of [TopicDetail, TopicPage]) expect(() => compile(nullableAsTypeList(schema))).not.toThrow();
  });
});
