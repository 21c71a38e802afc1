// The one signer of tokens (server/domain/signing.ts): device cookies, unsubscribe links and reply addresses.
// Its MACs must not change format (links in mail already sent and cookies in browsers must stay valid), a token
// must verify only for its payload, purpose and secrets, and the secrets kept in the database must be the same
// for every process and survive a failed first load.
import { createHmac } from 'node:crypto';
import { Signer } from '@fastify/cookie';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMac, createValueSigner, secretSource } from '../../server/domain/signing.js';
import { unsubscribeTokens } from '../../server/features/notifications/mailer.js';
import { replyAddresses } from '../../server/features/mail/replies.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const secretA = 'a-secret-of-at-least-thirty-two-characters-A';
const secretB = 'a-secret-of-at-least-thirty-two-characters-B';
const only = (...secrets: string[]) => async () => secrets;
const userId = '11111111-1111-4111-8111-111111111111';
const postId = '22222222-2222-4222-8222-222222222222';

describe('createMac', () => {
  it('verifies its own MAC, and not another payload’s, another purpose’s, another secret’s or a damaged one', async () => {
    const mac = createMac(only(secretA), { purpose: 'unsubscribe' });
    const signed = await mac.sign(userId);
    expect(await mac.verify(userId, signed)).toBe(true);
    expect(await mac.verify(postId, signed)).toBe(false);
    expect(await createMac(only(secretA), { purpose: 'reply' }).verify(userId, signed)).toBe(false);
    expect(await createMac(only(secretB), { purpose: 'unsubscribe' }).verify(userId, signed)).toBe(false);
    const flipped = `${signed.slice(0, -1)}${signed.endsWith('A') ? 'B' : 'A'}`;
    expect(await mac.verify(userId, flipped)).toBe(false);
    // Shorter, longer or empty: refused, never a throw from the constant-time comparison.
    for (const bad of [signed.slice(1), `${signed}x`, '']) expect(await mac.verify(userId, bad)).toBe(false);
  });

  it('keeps the formats the tokens had: unsubscribe (base64url), reply (its first 12 characters)', async () => {
    const full = createHmac('sha256', secretA).update(`unsubscribe:${userId}`).digest('base64url');
    expect(await createMac(only(secretA), { purpose: 'unsubscribe' }).sign(userId)).toBe(full);
    expect(await unsubscribeTokens(only(secretA)).issue(userId)).toBe(`${userId}.${full}`);
    const replyMac = createHmac('sha256', secretA).update('reply:payload').digest('base64url').slice(0, 12);
    expect(await createMac(only(secretA), { purpose: 'reply', length: 12 }).sign('payload')).toBe(replyMac);
  });

  it('signs with the first secret and verifies with every one (a rotation), until the old one is dropped', async () => {
    const old = await createMac(only(secretA), { purpose: 'p' }).sign('x');
    const rotated = createMac(only(secretB, secretA), { purpose: 'p' });
    expect(await rotated.verify('x', old)).toBe(true);
    expect(await rotated.sign('x')).toBe(await createMac(only(secretB), { purpose: 'p' }).sign('x'));
    expect(await createMac(only(secretB), { purpose: 'p' }).verify('x', old)).toBe(false);
  });
});

describe('createValueSigner (device cookies)', () => {
  it('signs exactly as @fastify/cookie did, so cookies already in browsers stay valid, and both read each other', async () => {
    const signer = createValueSigner(only(secretA, secretB));
    const value = `d1~${userId}~nonce~1767225600`;
    const ours = await signer.sign(value);
    expect(ours).toBe(new Signer([secretA, secretB]).sign(value));
    expect(new Signer([secretA]).unsign(ours)).toMatchObject({ valid: true, value });
    expect(await signer.unsign(new Signer(secretB).sign(value))).toBe(value); // signed before a rotation
  });

  it('refuses a changed value, a changed or missing signature, and another secret’s', async () => {
    const signer = createValueSigner(only(secretA));
    const signed = await signer.sign('d1~value');
    const [value, sig] = [signed.slice(0, signed.lastIndexOf('.')), signed.slice(signed.lastIndexOf('.') + 1)];
    for (const forged of [`d1~valuf.${sig}`, `${value}.${sig.slice(1)}`, value, `${value}.`, new Signer('an attacker’s guess at the secret, long enough').sign(value)]) {
      expect(await signer.unsign(forged), forged).toBeNull();
    }
  });
});

describe('reply addresses', () => {
  it('parse back only with the secret that made them', async () => {
    const target = { userId, kind: 'p' as const, id: postId };
    const address = await replyAddresses(only(secretA), 'in.example.test').address(target);
    expect(address).toMatch(/^reply\+p[A-Za-z0-9_-]{44}\.[A-Za-z0-9_-]{12}@in\.example\.test$/);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    expect(await replyAddresses(only(secretA), 'in.example.test').parse(address)).toEqual(target);
    expect(await replyAddresses(only(secretB), 'in.example.test').parse(address)).toBeNull();
  });
});

describe('secretSource', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(async () => testDb?.close());

  it('gives the configured secrets as they are, without touching the database', async () => {
    const source = secretSource(testDb.database.db, 'configured_only', [secretA, secretB]);
    expect(await source()).toEqual([secretA, secretB]);
    const rows = await testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from server_secrets where name = 'configured_only'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('otherwise creates one secret per name in server_secrets, the same for every process', async () => {
    const first = secretSource(testDb.database.db, 'signing_test');
    const [secret] = await first();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await secretSource(testDb.database.db, 'signing_test')()).toEqual([secret]); // another process, later
    expect(await secretSource(testDb.database.db, 'signing_test_other')()).not.toEqual([secret]);
    const rows = await testDb.database.rows<{ value: string }>(sql`select value from server_secrets where name = 'signing_test'`);
    expect(rows.map((r) => r.value)).toEqual([secret]);
  });

  it('tries again after a failed load (the database was unreachable), instead of keeping the failure', async () => {
    const source = secretSource(testDb.database.db, 'signing_retry');
    await testDb.database.db.execute(sql`alter table server_secrets rename to server_secrets_away`);
    try {
      await expect(source()).rejects.toThrow();
    } finally {
      await testDb.database.db.execute(sql`alter table server_secrets_away rename to server_secrets`);
    }
    expect(await source()).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{43}$/)]);
  });
});
