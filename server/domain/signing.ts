// Signed tokens: ONE HMAC-SHA256 signer for every token the server hands out and takes back without a session —
// the device cookie (auth/device-cookie.ts), the unsubscribe link (notifications/mailer.ts) and the reply address
// (mail/replies.ts) — and the secrets that sign them: configured (COOKIE_SECRET), or generated once and kept in
// server_secrets (secrets.ts), so every process and every restart agrees. Several secrets: the first signs,
// every one verifies (a rotation keeps what the old secret signed valid until it is dropped).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DbOrTx } from '../db/client.js';
import { serverSecret } from './secrets.js';

/** The secrets, the signing one first. */
export type SecretSource = () => Promise<string[]>;

/**
 * The configured secrets if any, else the one kept in server_secrets under `name` (created on first use). Loaded
 * lazily (the database may be down at start-up) and once; a failed load is tried again on the next call.
 */
export function secretSource(db: DbOrTx, name: string, configured?: string[]): SecretSource {
  if (configured && configured.length > 0) {
    const secrets = configured;
    return async () => secrets;
  }
  let loading: Promise<string[]> | undefined;
  return () =>
    (loading ??= serverSecret(db, name).then(
      (secret) => [secret],
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    ));
}

export interface MacOptions {
  /**
   * Signed before the payload as `<purpose>:`, so a token made for one use never verifies for another (the
   * same member id signs an unsubscribe link and, inside a reply address, a reply). null: the payload alone.
   */
  purpose: string | null;
  /** 'base64url' (the default) for links and addresses; 'base64' without padding: @fastify/cookie's signed cookies. */
  encoding?: 'base64url' | 'base64';
  /** Keep only the first `length` characters (a short token: a reply address must fit SMTP's 64 characters). */
  length?: number;
}

export interface Mac {
  /** The payload's MAC under the signing secret. */
  sign(payload: string): Promise<string>;
  /** Whether `given` is the payload's MAC under any of the secrets (compared in constant time). */
  verify(payload: string, given: string): Promise<boolean>;
}

export function createMac(secrets: SecretSource, { purpose, encoding = 'base64url', length }: MacOptions): Mac {
  const macWith = (secret: string, payload: string) => {
    const digest = createHmac('sha256', secret)
      .update(purpose === null ? payload : `${purpose}:${payload}`)
      .digest(encoding)
      .replace(/=+$/, '');
    return length === undefined ? digest : digest.slice(0, length);
  };
  return {
    async sign(payload) {
      return macWith((await secrets())[0]!, payload);
    },
    async verify(payload, given) {
      const actual = Buffer.from(given);
      let ok = false;
      for (const secret of await secrets()) {
        const expected = Buffer.from(macWith(secret, payload));
        // Every secret is tried whatever the outcome, so the time taken says nothing about which one matched.
        if (expected.length === actual.length && timingSafeEqual(expected, actual)) ok = true;
      }
      return ok;
    },
  };
}

/** `value.mac`, as @fastify/cookie signs a cookie (the MAC in base64 without padding, no purpose). */
export function createValueSigner(secrets: SecretSource) {
  const mac = createMac(secrets, { purpose: null, encoding: 'base64' });
  return {
    async sign(value: string) {
      return `${value}.${await mac.sign(value)}`;
    },
    /** The signed value, or null for a forged, damaged or unsigned one. */
    async unsign(signed: string): Promise<string | null> {
      const dot = signed.lastIndexOf('.');
      if (dot < 0) return null;
      const value = signed.slice(0, dot);
      return (await mac.verify(value, signed.slice(dot + 1))) ? value : null;
    },
  };
}
