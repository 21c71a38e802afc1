import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD_COST, type TestApp } from '../helpers/app.js';
import { seedDemo } from '../../server/demo/seed.js';
import type { Actor } from '../../server/policy/policy.js';
import { sql } from 'drizzle-orm';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('demo discussion content', () => {
  it('seeds CPD topics, a solved practice problem, replies, helpful marks and readers through the services', async () => {
    expect(await seedDemo(t.app.db, t.app.services, TEST_PASSWORD_COST)).toBe(true);
    const [community] = await t.testDb.database.rows<{ id: string }>(sql`select id from communities`);
    const [keiko] = await t.testDb.database.rows<{ id: string }>(sql`select id from users where email = 'keiko@stoa.example'`);
    const [fiona] = await t.testDb.database.rows<{ id: string }>(sql`select id from users where email = 'fiona@stoa.example'`);
    const asKeiko: Actor = { id: keiko!.id, isAdmin: false, displayName: 'Keiko' };
    const asFiona: Actor = { id: fiona!.id, isAdmin: false, displayName: 'Fiona' };
    const list = await t.app.services.topics.list(asKeiko, community!.id, {});
    const titles = list.items.map((i) => i.title);
    expect(titles[0]).toBe('Designing and planning in-service training courses'); // pinned
    expect(titles).toContain('Loop input');
    expect(titles).not.toContain('Reflection on reflection'); // upcoming: facilitators only
    const fionaTitles = (await t.app.services.topics.list(asFiona, community!.id, {})).items.map((i) => i.title);
    expect(fionaTitles).toContain('Reflection on reflection');
    const designing = list.items[0]!;
    expect(designing.posterCount).toBeGreaterThanOrEqual(3);
    expect(designing.readerCount).toBeGreaterThanOrEqual(3);
    const problem = list.items.find((i) => i.kind === 'problem')!;
    expect(problem.hasSolution).toBe(true);
    const detail = await t.app.services.topics.get(asKeiko, designing.id);
    expect(detail.prompts.some((p) => p.answerFirst)).toBe(true);
    expect(detail.prompts.some((p) => p.scheduled)).toBe(false); // hidden from members until released
    const asFacilitator = await t.app.services.topics.get(asFiona, designing.id);
    expect(asFacilitator.prompts.some((p) => p.scheduled && p.bodyMd?.startsWith('Apply it to your own training context'))).toBe(true);
    const [marks] = await t.testDb.database.rows<{ n: number }>(sql`select count(*)::int as n from helpful_marks`);
    expect(marks!.n).toBeGreaterThan(10);
    // The activity is spread over past weeks (not all "today"), and none of it lies in the future.
    const [span] = await t.testDb.database.rows<{ weeks: number; future: number; early: number }>(sql`select
        count(distinct date_trunc('week', created_at))::int as weeks,
        count(*) filter (where created_at > now())::int as future,
        count(*) filter (where p.created_at < (select t.created_at from topics t where t.id = p.topic_id))::int as early
      from posts p`);
    expect(span!.weeks).toBeGreaterThanOrEqual(4);
    expect(span!.future).toBe(0);
    expect(span!.early).toBe(0);
    // The members' read positions (made through the services, then moved back in time with their posts by the
    // history, which keeps the posts' order) count the published posts up to them (migration 0025).
    const [reads] = await t.testDb.database.rows<{ n: number; drifted: number }>(sql`select count(*)::int as n,
        count(*) filter (where r.read_count <> (select count(*) from posts p where p.topic_id = r.topic_id and p.status = 'published'
                                                  and p.created_at <= r.last_read_at))::int as drifted
      from topic_reads r`);
    expect(reads!.n).toBeGreaterThan(0);
    expect(reads!.drifted).toBe(0);
  }, 120_000);
});
