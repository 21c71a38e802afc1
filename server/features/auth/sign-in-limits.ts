// Sign-in throttling that locks out guessers, not colleagues (OWASP: "Slow Down Online Guessing Attacks with
// Device Cookies"). A failed sign-in feeds several counters, each with its own limit (config.signInLimits):
//
//   browser with the account's device cookie ("trusted"):  account + device          (only that browser waits)
//   any other attempt ("untrusted"):                       account + address         (one place guessing one account)
//                                                          account, all untrusted    (many places guessing one account)
//                                                          address, all accounts     (a generous cap per network)
//
// So a school sharing one address is not locked out by one person's typos or guesses (only that account from
// that address waits), and an account guessed from everywhere still opens on its owner's usual browser.
// Counters are rows in `login_failures` (database time), so every process sees the same counts.
//
// The attempt's rows are written *before* the password is checked and counted with them, so concurrent
// guesses cannot slip past a limit; a refused or successful attempt then takes its rows back (a refused
// attempt does not extend the wait, and only real failures count).
import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { SignInLimit, SignInLimits } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { tooManyRequests } from '../../errors.js';
import * as q from './queries.js';

export interface SignInAttempt {
  /** The email as normalised for look-up (lower-cased); accounts that do not exist are counted alike. */
  email: string;
  /** The client address (request.ip, which honours TRUST_PROXY). */
  ip: string;
  /** The nonce of a genuine device cookie for this account, or null. */
  deviceNonce: string | null;
}

// Stand-alone sentences (Retry-After says how long); the sign-in page adds "You can try again in about …".
const TRUSTED_STILL_WORKS = 'A browser you have signed in with before can still sign in.';
const MESSAGES = {
  accountDevice: 'Too many failed sign-ins to this account from this browser.',
  accountAddress: `Too many failed sign-ins to this account from here. ${TRUSTED_STILL_WORKS}`,
  accountUntrusted: `Too many failed sign-ins to this account. ${TRUSTED_STILL_WORKS}`,
  address: `Too many failed sign-ins from your network. ${TRUSTED_STILL_WORKS}`,
} satisfies Record<keyof SignInLimits, string>;

/**
 * The counter key of an address. IPv6 clients are counted per /64 (what one household or host usually
 * holds), IPv4-mapped IPv6 addresses as IPv4.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip.slice(0, 100);
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(parts).toString()}/64`;
}

const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url').slice(0, 32);

interface Counter extends SignInLimit {
  key: string;
  limit: keyof SignInLimits;
  /** Refuse the attempt when over the limit; false: only counted (the address cap never stops a trusted device). */
  enforced: boolean;
}

export function countersFor(attempt: SignInAttempt, limits: SignInLimits): Counter[] {
  const account = accountKey(attempt.email);
  const address = addressKey(attempt.ip);
  if (attempt.deviceNonce) {
    return [
      { key: `device:${account}:${attempt.deviceNonce}`, limit: 'accountDevice', enforced: true, ...limits.accountDevice },
      { key: `addr:${address}`, limit: 'address', enforced: false, ...limits.address },
    ];
  }
  return [
    { key: `acct-addr:${account}:${address}`, limit: 'accountAddress', enforced: true, ...limits.accountAddress },
    { key: `acct:${account}`, limit: 'accountUntrusted', enforced: true, ...limits.accountUntrusted },
    { key: `addr:${address}`, limit: 'address', enforced: true, ...limits.address },
  ];
}

export function createSignInLimiter({ db, limits }: { db: DbOrTx; limits: SignInLimits }) {
  const longestWindowMs = Math.max(...Object.values(limits).map((l) => l.windowMs));
  return {
    /**
     * Counts the attempt as a failure and refuses it (429, Retry-After) if that takes any enforced counter over
     * its limit. Otherwise returns the attempt: call `succeeded()` when the password was right (its failure
     * rows are removed); after a wrong password, leave them (they count until they age out).
     */
    async begin(attempt: SignInAttempt): Promise<{ succeeded(): Promise<void> }> {
      const counters = countersFor(attempt, limits);
      const ids = await q.insertFailures(db, counters.map((c) => c.key));
      let over: Array<{ key: string; waitSeconds: number }>;
      try {
        over = await q.countersOverLimit(db, counters.filter((c) => c.enforced));
      } catch (err) {
        await q.deleteFailures(db, ids).catch(() => {});
        throw err;
      }
      if (over.length > 0) {
        await q.deleteFailures(db, ids);
        const longest = over.reduce((a, b) => (b.waitSeconds > a.waitSeconds ? b : a));
        const limit = counters.find((c) => c.key === longest.key)!.limit;
        throw tooManyRequests(Math.max(1, Math.ceil(longest.waitSeconds)), MESSAGES[limit]);
      }
      if (Math.random() < 0.01) await q.pruneFailures(db, longestWindowMs);
      return { succeeded: () => q.deleteFailures(db, ids) };
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;
