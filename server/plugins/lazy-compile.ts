// Route schemas compile when a route first needs them, not when the app starts. Compiling every request
// validator (ajv) and response serializer (fast-json-stringify) of ~150 routes, each GET twice (its HEAD
// twin), took about a second and a half of every start-up; most routes of a process are never called in
// its first minutes, and a compile costs a few milliseconds on first use. Tests still compile every
// schema: the contract tests call every route.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/** A function that compiles on first call; ajv's `errors` (read by Fastify after a failed check) pass through. */
export function lazyCompile<F extends (...args: never[]) => unknown>(compile: () => F): F {
  let compiled: F | undefined;
  const call = ((...args: Parameters<F>) => (compiled ??= compile())(...args)) as F;
  Object.defineProperty(call, 'errors', { get: () => (compiled as { errors?: unknown } | undefined)?.errors });
  return call;
}

type SerializerFactory = ReturnType<typeof SerializerSelector>;

// Fastify's default serializer factory (the package Fastify itself uses; a direct dependency so that the
// server bundle includes it).
const defaultSerializerFactory = SerializerSelector();

const PRIMITIVE = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The response schema as the serializer reads it: `anyOf: [X, null]` of a primitive X (TypeBox's
 * `Type.Union([Type.String(), Type.Null()])`) becomes `type: [X's type, 'null']`. For an anyOf,
 * fast-json-stringify runs an ajv validator on each value to pick the branch (with its format: a uuid regex,
 * a date-time parse), ~300 calls for a page of 50 posts; a type list is a typeof test. The output is the same
 * JSON; only the schema handed to the serializer changes (the OpenAPI document keeps the union).
 */
export function nullableAsTypeList(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    const items = schema.map(nullableAsTypeList);
    return items.some((item, i) => item !== schema[i]) ? items : schema;
  }
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  const anyOf = node.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullAt = anyOf.findIndex((o) => (o as { type?: unknown }).type === 'null' && Object.keys(o as object).length === 1);
    const other = anyOf[1 - nullAt] as Record<string, unknown> | undefined;
    if (nullAt >= 0 && other && typeof other.type === 'string' && PRIMITIVE.has(other.type) && !('anyOf' in other) && !('$ref' in other) && !('const' in other) && !('enum' in other)) {
      const { anyOf: _union, ...siblings } = node;
      return { ...siblings, ...other, type: [other.type, 'null'] };
    }
  }
  let changed: Record<string, unknown> | null = null;
  for (const key of Object.keys(node)) {
    const value = nullableAsTypeList(node[key]);
    if (value !== node[key]) (changed ??= { ...node })[key] = value;
  }
  return changed ?? schema;
}

/** Fastify's `schemaController.compilersFactory.buildSerializer`: the default serializers, compiled on first use. */
export const buildLazySerializer: SerializerFactory = (externalSchemas, options) => {
  const compileSerializer = defaultSerializerFactory(externalSchemas, options);
  return (route) => lazyCompile(() => compileSerializer({ ...route, schema: nullableAsTypeList(route.schema) as typeof route.schema }));
};
