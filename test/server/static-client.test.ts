// The built client as the server sends it (server/plugins/static-client.ts): the text assets compressed by the
// build (client/precompress.ts) go to browsers that accept Brotli or gzip, the same bytes once unpacked, and
// plain to those that accept neither; the hashed assets may be kept for good, index.html is asked for again.
// Needs the built client (`npm test` builds what is stale first).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { clientDist } from '../../server/plugins/static-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const get = (url: string, acceptEncoding?: string) => t.app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} });

describe('the built client', () => {
  it('index.html names the assets, and is revalidated at every visit', async () => {
    const index = await get('/', 'br, gzip');
    expect(index.statusCode).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    const named = [...index.body.matchAll(/\/assets\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(named.sort()).toEqual(readdirSync(join(clientDist, 'assets')).filter((f) => /\.(js|css)$/.test(f)).sort());
  });

  for (const kind of ['js', 'css'] as const) {
    it(`sends the ${kind} asset as Brotli, gzip or plain, as the browser accepts, the same bytes unpacked`, async () => {
      const file = readdirSync(join(clientDist, 'assets')).find((f) => f.endsWith(`.${kind}`))!;
      const original = readFileSync(join(clientDist, 'assets', file));
      const url = `/assets/${file}`;
      const contentType = kind === 'js' ? /^(text|application)\/javascript/ : /^text\/css/;

      const br = await get(url, 'gzip, deflate, br');
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(contentType);
      expect(br.headers.vary).toMatch(/accept-encoding/i);
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(br.rawPayload.length).toBeLessThan(original.length * 0.5);
      expect(brotliDecompressSync(br.rawPayload).equals(original)).toBe(true);

      const gz = await get(url, 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gz.rawPayload).equals(original)).toBe(true);

      const plain = await get(url);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['content-type']).toMatch(contentType);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.rawPayload.equals(original)).toBe(true);
    });
  }
});
