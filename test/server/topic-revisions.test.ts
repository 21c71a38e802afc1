// A topic's words keep their history as a post's do: editing the title or text of a topic, or a prompt's
// question, writes a revision in the same transaction (the first edit also keeps version 1, the words as
// created); nothing is overwritten without a trace. GET /api/topics/:id/revisions gives every version to the
// topic's editors and moderators only. PATCH /api/topics/:id/prompts/:promptId validates its input (problem JSON
// naming the field) and is the topic's facilitators' alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type Agent, type TestApp, type TestUser } from '../helpers/app.js';

let t: TestApp;
let communityId: string;
let fiona: TestUser;
let F: Agent, M: Agent, P: Agent, G: Agent, N: Agent;

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  fiona = await t.makeMember(communityId, ['facilitator'], { displayName: 'Fiona' });
  const mo = await t.makeMember(communityId, ['moderator'], { displayName: 'Mo' });
  const priya = await t.makeMember(communityId, [], { displayName: 'Priya' });
  const gina = await t.makeMember(communityId, ['facilitator'], { displayName: 'Gina' }); // a facilitator, not of this topic
  const outsider = await t.makeUser({ displayName: 'Outsider' });
  [F, M, P, G, N] = (await Promise.all([fiona, mo, priya, gina, outsider].map((u) => t.as(u)))) as [Agent, Agent, Agent, Agent, Agent];
});
afterAll(async () => t?.close());

const rows = <T>(query: ReturnType<typeof sql>) => t.testDb.database.rows<T>(query);

async function createCpd() {
  const res = await F.post(`/api/communities/${communityId}/topics`, {
    kind: 'cpd',
    title: 'Loop input',
    article: 'Loop input means **doing** what you teach.',
    prompts: [{ body: 'What did you notice?' }, { body: 'Apply it to your own context.' }],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; prompts: Array<{ id: string }> };
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status, code, ...(field ? { field } : {}) });
}

interface RevisionOut {
  promptId: string | null;
  version: number;
  title: string | null;
  bodyMd: string;
  bodyHtml: string;
  editor: { id: string; displayName: string };
}

describe('topic revisions', () => {
  it('an edit of the title or article keeps every version in topic_revisions; a schedule change writes none', async () => {
    const topic = await createCpd();
    // Never edited: no rows, and the history shows the words as created as version 1.
    expect(await rows(sql`select 1 from topic_revisions where topic_id = ${topic.id}`)).toHaveLength(0);
    const fresh = (await F.get(`/api/topics/${topic.id}/revisions`)).json().items as RevisionOut[];
    expect(fresh.filter((r) => r.promptId === null)).toEqual([
      expect.objectContaining({ version: 1, title: 'Loop input', bodyMd: 'Loop input means **doing** what you teach.', editor: { id: fiona.id, displayName: 'Fiona' } }),
    ]);

    expect((await F.patch(`/api/topics/${topic.id}`, { title: 'Loop input, revisited', article: 'Loop input means *modelling* what you teach.' })).statusCode).toBe(200);
    expect((await F.patch(`/api/topics/${topic.id}`, { closesAt: new Date(Date.now() + 86_400_000).toISOString() })).statusCode).toBe(200);
    expect((await F.patch(`/api/topics/${topic.id}`, { title: 'Loop input, third take' })).statusCode).toBe(200);

    const kept = await rows<{ version: number; title: string; body_md: string; body_html: string; editor_id: string }>(
      sql`select version, title, body_md, body_html, editor_id from topic_revisions where topic_id = ${topic.id} and prompt_id is null order by version`,
    );
    expect(kept.map((r) => [r.version, r.title, r.body_md])).toEqual([
      [1, 'Loop input', 'Loop input means **doing** what you teach.'],
      [2, 'Loop input, revisited', 'Loop input means *modelling* what you teach.'],
      [3, 'Loop input, third take', 'Loop input means *modelling* what you teach.'],
    ]);
    expect(kept[1]!.body_html).toBe('<p>Loop input means <em>modelling</em> what you teach.</p>');
    expect(kept.every((r) => r.editor_id === fiona.id)).toBe(true);

    // A moderator reads the same history; the answer matches the rows.
    const res = await M.get(`/api/topics/${topic.id}/revisions`);
    expect(res.statusCode).toBe(200);
    const history = (res.json().items as RevisionOut[]).filter((r) => r.promptId === null);
    expect(history.map((r) => r.version)).toEqual([1, 2, 3]);
    expect(history[2]).toMatchObject({ title: 'Loop input, third take', editor: { displayName: 'Fiona' } });
    // The topic page tells its editors and moderators that they may open the history, and others not.
    expect((await F.get(`/api/topics/${topic.id}`)).json().can.readRevisions).toBe(true);
    expect((await M.get(`/api/topics/${topic.id}`)).json().can.readRevisions).toBe(true);
    expect((await P.get(`/api/topics/${topic.id}`)).json().can.readRevisions).toBe(false);
  });

  it("a prompt's edit keeps the old question as a revision; its release time and answer-first change without one", async () => {
    const topic = await createCpd();
    const [first, second] = topic.prompts as [{ id: string }, { id: string }];
    const res = await F.patch(`/api/topics/${topic.id}/prompts/${first.id}`, { body: 'What did you **notice** first?', answerFirst: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: first.id, bodyMd: 'What did you **notice** first?', bodyHtml: '<p>What did you <strong>notice</strong> first?</p>', answerFirst: true });
    const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const scheduled = await F.patch(`/api/topics/${topic.id}/prompts/${first.id}`, { releaseAt: later });
    expect(scheduled.json()).toMatchObject({ releaseAt: later, scheduled: true, bodyMd: 'What did you **notice** first?' });

    const kept = await rows<{ version: number; body_md: string }>(sql`select version, body_md from topic_revisions where prompt_id = ${first.id} order by version`);
    expect(kept).toEqual([
      { version: 1, body_md: 'What did you notice?' },
      { version: 2, body_md: 'What did you **notice** first?' },
    ]);
    const history = (await F.get(`/api/topics/${topic.id}/revisions`)).json().items as RevisionOut[];
    expect(history.filter((r) => r.promptId === first.id).map((r) => [r.version, r.bodyMd])).toEqual([
      [1, 'What did you notice?'],
      [2, 'What did you **notice** first?'],
    ]);
    // The prompt never edited: its question as version 1.
    expect(history.filter((r) => r.promptId === second.id)).toEqual([expect.objectContaining({ version: 1, bodyMd: 'Apply it to your own context.', title: null })]);
    // A moderator (who does not see scheduled prompts) is not shown the now-scheduled prompt's history.
    const forModerator = (await M.get(`/api/topics/${topic.id}/revisions`)).json().items as RevisionOut[];
    expect(forModerator.some((r) => r.promptId === first.id)).toBe(false);
    expect(forModerator.some((r) => r.promptId === second.id)).toBe(true);
  });

  it('validates a prompt edit with problem JSON naming the field, and writes nothing when refused', async () => {
    const topic = await createCpd();
    const other = await createCpd();
    const promptId = topic.prompts[0]!.id;
    const url = `/api/topics/${topic.id}/prompts/${promptId}`;
    expectProblem(await F.patch(url, { body: '' }), 400, 'validation_failed', 'body');
    expectProblem(await F.patch(url, { body: 'x'.repeat(5_001) }), 400, 'validation_failed', 'body');
    expectProblem(await F.patch(url, { body: '   ' }), 400, 'empty_text', 'body');
    expectProblem(await F.patch(url, {}), 400, 'empty_update', 'body');
    expectProblem(await F.patch(url, { releaseAt: 'next week' }), 400, 'validation_failed', 'releaseAt');
    expectProblem(await F.patch(url, { answerFirst: 'yes' }), 400, 'validation_failed', 'answerFirst');
    expectProblem(await F.patch(url, { body: 'Fine', extra: 1 }), 400, 'validation_failed', 'extra');
    expectProblem(await F.patch(`/api/topics/${topic.id}/prompts/not-a-uuid`, { body: 'Fine' }), 400, 'validation_failed', 'promptId');
    // A prompt of another topic is not this topic's.
    expectProblem(await F.patch(`/api/topics/${topic.id}/prompts/${other.prompts[0]!.id}`, { body: 'Fine' }), 404, 'not_found');
    expect(await rows(sql`select 1 from topic_revisions where topic_id in (${topic.id}, ${other.id})`)).toHaveLength(0);
    const prompt = await rows<{ body_md: string }>(sql`select body_md from prompts where id = ${promptId}`);
    expect(prompt[0]!.body_md).toBe('What did you notice?');
  });

  it("refuses the wrong role: members, another topic's facilitator and outsiders edit no prompt and read no history", async () => {
    const topic = await createCpd();
    const url = `/api/topics/${topic.id}/prompts/${topic.prompts[0]!.id}`;
    expectProblem(await P.patch(url, { body: 'Mine now' }), 403, 'forbidden');
    expectProblem(await G.patch(url, { body: 'Mine now' }), 403, 'forbidden');
    expectProblem(await M.patch(url, { body: 'Moderators do not reword prompts' }), 403, 'forbidden');
    expectProblem(await N.patch(url, { body: 'Mine now' }), 404, 'not_found');
    expectProblem(await t.anonymous.patch(url, { body: 'Mine now' }), 401, 'unauthenticated');
    expectProblem(await P.get(`/api/topics/${topic.id}/revisions`), 403, 'forbidden');
    expectProblem(await G.get(`/api/topics/${topic.id}/revisions`), 403, 'forbidden');
    expectProblem(await N.get(`/api/topics/${topic.id}/revisions`), 404, 'not_found');
    expect(await rows(sql`select 1 from topic_revisions where topic_id = ${topic.id}`)).toHaveLength(0);
  });
});
