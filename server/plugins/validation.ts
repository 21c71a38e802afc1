// Request validation: bodies are checked strictly (no type coercion, unknown fields rejected by the
// schemas), while query strings and path params are coerced from their string form.
import fp from 'fastify-plugin';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { invalid } from '../errors.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}

/** Finds the first string holding a NUL or an unpaired surrogate: PostgreSQL cannot store them faithfully. */
export function findUnstorableText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') {
    // eslint-disable-next-line no-control-regex
    return /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value) ? path || 'body' : null;
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
    app.setValidatorCompiler(({ schema, httpPart }) =>
      (httpPart === 'body' ? strict : coercing).compile(schema as object) as never,
    );
    app.addHook('preValidation', async (request) => {
      const hit = findUnstorableText(request.body) ?? findUnstorableText(request.query) ?? findUnstorableText(request.params);
      if (hit) throw invalid(hit, `${hit} contains a NUL byte or an unpaired surrogate, which cannot be stored.`, 'invalid_characters');
    });
  },
  { name: 'validation' },
);
