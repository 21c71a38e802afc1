// Request validation: JSON bodies are read strictly (../json-input.ts: UTF-8 only, bounded nesting, no
// prototype keys), bodies are checked strictly (no type coercion, unknown fields rejected by the
// schemas), while query strings and path params are coerced from their string form.
import fp from 'fastify-plugin';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalid } from '../errors.js';
import { parseJsonBody } from '../json-input.js';
import { lazyCompile } from './lazy-compile.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

/** Why a string cannot be stored and read back exactly, or null. */
export function unstorableReason(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (/\u0000/.test(text)) return 'contains a NUL character, which cannot be stored';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) return 'contains an unpaired surrogate, which cannot be stored';
  // The embedded database's driver (PGlite) reads a text value that begins with U+FEFF as if it were an
  // encoding signature and drops it, so the value would not read back as written.
  if (text.charCodeAt(0) === 0xfeff) return 'begins with a byte order mark (U+FEFF), which cannot be stored exactly';
  return null;
}

/**
 * The first string (depth first) that cannot be stored faithfully: a NUL, an unpaired surrogate, or a
 * leading U+FEFF. Bodies are at most JSON_MAX_DEPTH deep (json-input.ts), so recursing is safe.
 */
export function findUnstorableText(value: unknown, path = ''): { field: string; reason: string } | null {
  if (typeof value === 'string') {
    const reason = unstorableReason(value);
    return reason ? { field: path || 'body', reason } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorableText(value[i], `${path}${path ? '.' : ''}${i}`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findUnstorableText(v, `${path}${path ? '.' : ''}${k}`);
      if (hit) return hit;
    }
  }
  return null;
}

export default fp(
  async (app) => {
    const strict = makeAjv(false);
    const coercing = makeAjv('array');
    // Compiled on first use (lazy-compile.ts).
    app.setValidatorCompiler(({ schema, httpPart }) => lazyCompile(() => (httpPart === 'body' ? strict : coercing).compile(schema as object)) as never);
    // Every JSON body, on every route: see json-input.ts.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (err) {
        done(err as Error, undefined);
      }
    });
    app.addHook('preValidation', async (request) => {
      const hit = findUnstorableText(request.body) ?? findUnstorableText(request.query) ?? findUnstorableText(request.params);
      if (hit) throw invalid(hit.field, `${hit.field} ${hit.reason}.`, 'invalid_characters');
    });
  },
  { name: 'validation' },
);
