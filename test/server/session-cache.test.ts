// The per-process session cache: what it keeps, for how long, and what drops entries.
import { describe, expect, it } from 'vitest';
import { createSessionCache } from '../../server/plugins/session-cache.js';

const actor = (id: string) => ({ id, isAdmin: false, displayName: `User ${id}` });

function cacheAt(start = 1_000_000, options: { ttlMs?: number; maxEntries?: number } = {}) {
  let t = start;
  const cache = createSessionCache({ ...options, now: () => t });
  cache.setEnabled(true);
  return { cache, advance: (ms: number) => (t += ms) };
}

describe('session cache', () => {
  it('keeps a session until its time to live, never past the session expiry', () => {
    const { cache, advance } = cacheAt(1_000_000, { ttlMs: 10_000 });
    cache.set('h1', { actor: actor('u1'), sessionId: 's1', expiresAtMs: 2_000_000 }, cache.ticket());
    cache.set('h2', { actor: actor('u2'), sessionId: 's2', expiresAtMs: 1_005_000 }, cache.ticket());
    expect(cache.get('h1')?.sessionId).toBe('s1');
    advance(5_000);
    expect(cache.get('h2')).toBeUndefined(); // the session itself expired
    expect(cache.get('h1')?.sessionId).toBe('s1');
    advance(5_000);
    expect(cache.get('h1')).toBeUndefined(); // time to live over: looked up again
  });

  it('drops by session and by user on NOTIFY payloads; anything unknown empties it', () => {
    const { cache } = cacheAt();
    const put = (h: string, u: string, s: string) => cache.set(h, { actor: actor(u), sessionId: s, expiresAtMs: Infinity }, cache.ticket());
    put('a', 'u1', 's1');
    put('b', 'u1', 's2');
    put('c', 'u2', 's3');
    cache.onNotify('s:s1');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.sessionId).toBe('s2');
    cache.onNotify('u:u1');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')?.sessionId).toBe('s3');
    cache.onNotify('garbage');
    expect(cache.size).toBe(0);
  });

  it('does not cache a lookup that raced an invalidation', () => {
    const { cache } = cacheAt();
    const ticket = cache.ticket(); // the session query starts…
    cache.onNotify('s:s9'); // …the session ends meanwhile…
    cache.set('h', { actor: actor('u9'), sessionId: 's9', expiresAtMs: Infinity }, ticket); // …its stale result arrives
    expect(cache.get('h')).toBeUndefined();
  });

  it('is bypassed while disabled (no LISTEN yet) and bounded in size', () => {
    const { cache } = cacheAt(0, { maxEntries: 3 });
    cache.setEnabled(false);
    cache.set('x', { actor: actor('u'), sessionId: 's', expiresAtMs: Infinity }, cache.ticket());
    expect(cache.get('x')).toBeUndefined();
    cache.setEnabled(true);
    for (const n of [1, 2, 3, 4]) cache.set(`h${n}`, { actor: actor(`u${n}`), sessionId: `s${n}`, expiresAtMs: Infinity }, cache.ticket());
    expect(cache.size).toBe(3);
    expect(cache.get('h1')).toBeUndefined(); // least recently used went first
    expect(cache.get('h4')?.sessionId).toBe('s4');
  });
});
