// JSON from clients (request bodies and live-socket messages), read strictly. Every way a body can be
// unreadable is a 400 with a stable code, decided before anything walks the value:
// - bytes that are not UTF-8 → `invalid_characters` (a lenient decoder would store U+FFFD in their place);
// - nesting deeper than JSON_MAX_DEPTH → `json_too_deep` (code that walks the value recursively, ours or a
//   library's, would otherwise overflow the stack and answer 500);
// - not JSON, or a `__proto__` / `constructor.prototype` key → `malformed_json`.
// secure-json-parse (what Fastify's own JSON parser uses) does the parsing and the prototype checks.
import sjson from 'secure-json-parse';
import { AppError } from './errors.js';

/** Deepest nesting of arrays/objects accepted. Stoa's deepest body (a topic's prompts) needs 3. */
export const JSON_MAX_DEPTH = 32;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes as text, or 400 `invalid_characters` naming the field that holds the bad bytes (or `body`). */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const field = fieldWithReplacement(lenientUtf8.decode(bytes)) ?? 'body';
    throw new AppError(400, 'invalid_characters', `${field} is not valid UTF-8 text.`, { field });
  }
}

/** Where U+FFFD landed once the bad bytes were replaced: the first string (or key) holding one. */
function fieldWithReplacement(text: string): string | null {
  let value: unknown;
  try {
    value = maxDepth(text) <= JSON_MAX_DEPTH ? JSON.parse(text) : undefined;
  } catch {
    return null;
  }
  const walk = (v: unknown, path: string): string | null => {
    if (typeof v === 'string') return v.includes('\uFFFD') ? path || 'body' : null;
    if (!v || typeof v !== 'object') return null;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\uFFFD')) return at;
      const hit = walk(child, at);
      if (hit) return hit;
    }
    return null;
  };
  return walk(value, '');
}

/** The deepest nesting of `[`/`{` outside string literals (no parsing, one pass, no recursion). */
export function maxDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Parses JSON text, or throws a 400 AppError (`json_too_deep`, `malformed_json`). */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new AppError(400, 'malformed_json', 'The JSON body is empty.');
  if (maxDepth(text) > JSON_MAX_DEPTH) {
    throw new AppError(400, 'json_too_deep', `The JSON is nested more than ${JSON_MAX_DEPTH} levels deep.`);
  }
  try {
    return sjson.parse(text, null, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const proto = err instanceof SyntaxError && /prototype/i.test(err.message);
    throw new AppError(400, 'malformed_json', proto ? 'The JSON has a __proto__ or constructor.prototype key, which is not accepted.' : 'The body is not valid JSON.');
  }
}

/** A request body's bytes → its value (the application/json content-type parser). */
export const parseJsonBody = (bytes: Uint8Array): unknown => parseJsonText(decodeUtf8Body(bytes));
