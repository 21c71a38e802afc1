// Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): a browser that has signed
// in to an account holds a signed cookie naming that account and a random nonce. Sign-in attempts that
// present it are "trusted" for that account and counted per device, so failures from elsewhere do not lock
// the owner out. The cookie is signed as @fastify/cookie signs cookies (HMAC-SHA256, domain/signing.ts); a
// tampered, forged or expired cookie, or one for another account, counts as no cookie at all.
import { randomBytes } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { createValueSigner, secretSource, type SecretSource } from '../../domain/signing.js';

export const DEVICE_COOKIE = 'stoa_device';
export const DEVICE_COOKIE_DAYS = 365;
/** Accounts one browser is remembered for (a shared computer); the least recently signed-in drops out. */
export const DEVICE_ACCOUNTS_MAX = 5;

const VERSION = 'd1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;

interface Entry {
  userId: string;
  nonce: string;
  /** Seconds since the epoch of the latest sign-in on this device. */
  issuedAt: number;
}

/**
 * The secrets that sign device cookies: the configured ones (COOKIE_SECRET; the first signs, all verify),
 * or one generated on first use and kept in `server_secrets`, so every process and every restart agrees.
 * Loaded lazily (the database may be down at start-up); a failed load is retried on the next sign-in.
 */
export function createCookieSecretSource(db: DbOrTx, configured: string[] | undefined): SecretSource {
  return secretSource(db, 'device_cookie', configured);
}

export function createDeviceCookies(secrets: SecretSource, now: () => number = Date.now) {
  const signer = createValueSigner(secrets);

  /** The entries of a genuine, unexpired cookie; [] for anything else. */
  async function entriesOf(raw: string | undefined): Promise<Entry[]> {
    if (!raw || raw.length > 1000) return [];
    const value = await signer.unsign(raw);
    if (value === null) return [];
    const parts = value.split('~');
    if (parts[0] !== VERSION || (parts.length - 1) % 3 !== 0) return [];
    const oldest = Math.floor(now() / 1000) - DEVICE_COOKIE_DAYS * 86_400;
    const entries: Entry[] = [];
    for (let i = 1; i < parts.length; i += 3) {
      const [userId, nonce, issued] = [parts[i]!, parts[i + 1]!, Number(parts[i + 2])];
      if (UUID.test(userId) && NONCE.test(nonce) && Number.isInteger(issued) && issued > oldest) entries.push({ userId, nonce, issuedAt: issued });
    }
    return entries.slice(0, DEVICE_ACCOUNTS_MAX);
  }

  return {
    /** The device's nonce if `raw` is a genuine device cookie for this account, else null (untrusted). */
    async trustedNonce(raw: string | undefined, userId: string | undefined): Promise<string | null> {
      if (!userId) return null;
      return (await entriesOf(raw)).find((e) => e.userId === userId)?.nonce ?? null;
    },

    /** The cookie value after `userId` signed in on this browser: its entry first (same nonce if it had one). */
    async issue(raw: string | undefined, userId: string): Promise<string> {
      const entries = await entriesOf(raw);
      const mine = entries.find((e) => e.userId === userId);
      const next: Entry[] = [
        { userId, nonce: mine?.nonce ?? randomBytes(16).toString('base64url'), issuedAt: Math.floor(now() / 1000) },
        ...entries.filter((e) => e.userId !== userId),
      ].slice(0, DEVICE_ACCOUNTS_MAX);
      const value = [VERSION, ...next.flatMap((e) => [e.userId, e.nonce, String(e.issuedAt)])].join('~');
      return signer.sign(value);
    },
  };
}

export type DeviceCookies = ReturnType<typeof createDeviceCookies>;
