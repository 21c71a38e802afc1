// Security headers (helmet's: Content-Security-Policy, HSTS, nosniff, frame options…) on every response.
// @fastify/helmet built helmet's whole middleware again on every request (parsing the CSP directives each
// time); Stoa's headers are static (no nonces), so helmet runs once here, on a stand-in response, and each
// request gets the headers it set. Same headers, same time (onRequest, so errors carry them too).
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The headers helmet sets for `options` (lower-case names), and the ones it removes (X-Powered-By). */
export function helmetHeaders(options: HelmetOptions): { set: Array<[string, string]>; remove: string[] } {
  const set = new Map<string, string>();
  const remove: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      remove.push(name.toLowerCase());
    },
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => void (failed = err));
  if (failed) throw failed;
  return { set: [...set], remove };
}

/** Stoa's helmet options; `secureCookies`: the site is served over https (PUBLIC_URL). */
export const securityHeaderOptions = (secureCookies: boolean): HelmetOptions => ({
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      // Other sites' images load only when a reader clicks their placeholder (shared/markdown.ts); over
      // plain http (a local or intranet install) http images may load too, as https ones do.
      imgSrc: ["'self'", 'data:', 'https:', ...(secureCookies ? [] : ['http:'])],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'self'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      // Only upgrade to https when the site is served over https (PUBLIC_URL).
      upgradeInsecureRequests: secureCookies ? [] : null,
    },
  },
  hsts: secureCookies,
  crossOriginEmbedderPolicy: false,
});

export default fp<{ secureCookies: boolean }>(
  async (app, { secureCookies }) => {
    const { set, remove } = helmetHeaders(securityHeaderOptions(secureCookies));
    app.addHook('onRequest', (_request, reply, done) => {
      const res = reply.raw;
      for (const name of remove) res.removeHeader(name);
      for (const [name, value] of set) res.setHeader(name, value);
      done();
    });
  },
  { name: 'security-headers' },
);
