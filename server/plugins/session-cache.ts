// A short-lived, per-process cache of resolved sessions, so that most requests skip the session query.
//
// Correctness across processes: the database NOTIFYs 'stoa_sessions' whenever a session ends or changes
// and whenever a user's suspension, admin flag or display name changes (migration 0002, triggers — so
// every writer is covered, not only this code). Every process LISTENs and drops the matching entries;
// the process that signs a member out also drops the entry itself before answering.
// Bound: a NOTIFY can only be missed while the LISTEN connection is down; entries then live at most
// `ttlMs` (default 10 s), the cache is emptied when LISTEN is back, and it is bypassed until LISTEN
// first succeeds. Misses are never cached (random tokens must not fill memory).
import type { Actor } from '../policy/policy.js';

export const SESSIONS_CHANNEL = 'stoa_sessions';

export interface CachedSession {
  actor: Actor;
  sessionId: string;
  /** The session's own expiry (ms since epoch): an entry never outlives it. */
  expiresAtMs: number;
}

interface Entry extends CachedSession {
  cachedUntilMs: number;
}

export interface SessionCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function createSessionCache({ ttlMs = 10_000, maxEntries = 10_000, now = Date.now }: SessionCacheOptions = {}) {
  // Map keeps insertion order: re-inserting on a hit makes the first key the least recently used.
  const byTokenHash = new Map<string, Entry>();
  let enabled = false;
  // Bumped by every invalidation. A lookup that started before one may have read a row the
  // invalidation was about, so its result is not cached (see `ticket`/`set`).
  let invalidations = 0;

  function drop(test: (entry: Entry) => boolean) {
    invalidations++;
    for (const [key, entry] of byTokenHash) if (test(entry)) byTokenHash.delete(key);
  }

  return {
    /** Off until the invalidation LISTEN is in place; off means every lookup misses. */
    setEnabled(on: boolean) {
      enabled = on;
      invalidations++;
      byTokenHash.clear();
    },
    get enabled() {
      return enabled;
    },

    get(tokenHash: string): CachedSession | undefined {
      if (!enabled) return undefined;
      const entry = byTokenHash.get(tokenHash);
      if (!entry) return undefined;
      const t = now();
      if (t >= entry.cachedUntilMs || t >= entry.expiresAtMs) {
        byTokenHash.delete(tokenHash);
        return undefined;
      }
      byTokenHash.delete(tokenHash);
      byTokenHash.set(tokenHash, entry);
      return entry;
    },

    /** Take before querying the session; pass to `set`. */
    ticket(): number {
      return invalidations;
    },

    set(tokenHash: string, session: CachedSession, ticket: number) {
      if (!enabled || ticket !== invalidations) return;
      byTokenHash.delete(tokenHash);
      byTokenHash.set(tokenHash, { ...session, cachedUntilMs: now() + ttlMs });
      while (byTokenHash.size > maxEntries) byTokenHash.delete(byTokenHash.keys().next().value!);
    },

    /** Applies one 'stoa_sessions' payload: 's:<session id>' or 'u:<user id>'; anything else empties the cache. */
    onNotify(payload: string) {
      const id = payload.slice(2);
      if (payload.startsWith('s:')) drop((e) => e.sessionId === id);
      else if (payload.startsWith('u:')) drop((e) => e.actor.id === id);
      else this.clear();
    },

    dropSession(sessionId: string) {
      drop((e) => e.sessionId === sessionId);
    },

    /** Every cached session of the account (its sessions were ended). */
    dropUser(userId: string) {
      drop((e) => e.actor.id === userId);
    },

    clear() {
      invalidations++;
      byTokenHash.clear();
    },

    get size() {
      return byTokenHash.size;
    },
  };
}

export type SessionCache = ReturnType<typeof createSessionCache>;
