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

/** Fastify's `schemaController.compilersFactory.buildSerializer`: the default serializers, compiled on first use. */
export const buildLazySerializer: SerializerFactory = (externalSchemas, options) => {
  const compileSerializer = defaultSerializerFactory(externalSchemas, options);
  return (route) => lazyCompile(() => compileSerializer(route));
};
