// The strict JSON reader behind every request body and live message (server/json-input.ts).
import { describe, expect, it } from 'vitest';
import { decodeUtf8Body, JSON_MAX_DEPTH, maxDepth, parseJsonText } from '../../server/json-input.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'no error';
};

describe('json-input', () => {
  it('counts nesting outside strings only, escapes included', () => {
    expect(maxDepth('"[[[{{{"')).toBe(0);
    expect(maxDepth('{"a": "\\"[[[", "b": [1, {"c": []}]}')).toBe(4);
    expect(maxDepth('[[[]],[[[]]]]')).toBe(4);
    expect(maxDepth('"\\\\"[[')).toBe(2); // an escaped backslash ends the string
  });

  it('accepts JSON_MAX_DEPTH levels and refuses one more', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(() => parseJsonText(nested(JSON_MAX_DEPTH))).not.toThrow();
    expect(codeOf(() => parseJsonText(nested(JSON_MAX_DEPTH + 1)))).toBe('json_too_deep');
    expect(codeOf(() => parseJsonText(nested(1_000_000)))).toBe('json_too_deep');
  });

  it('maps every unreadable body to a stable code', () => {
    expect(codeOf(() => parseJsonText(''))).toBe('malformed_json');
    expect(codeOf(() => parseJsonText('{"a": '))).toBe('malformed_json');
    expect(codeOf(() => parseJsonText('{"__proto__": {"x": 1}}'))).toBe('malformed_json');
    expect(codeOf(() => parseJsonText('{"constructor": {"prototype": {}}}'))).toBe('malformed_json');
    expect(codeOf(() => decodeUtf8Body(Uint8Array.from([0x7b, 0xff, 0x7d])))).toBe('invalid_characters');
    expect(decodeUtf8Body(new TextEncoder().encode('{"a": "€ \uFEFF"}'))).toBe('{"a": "€ \uFEFF"}');
  });
});
