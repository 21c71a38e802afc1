// The naughty-strings corpus (test/fixtures/corpora) through the text fields that the other sweeps do not
// cover: topic titles, CPD articles, practice-problem bodies and prompts as edited or added after creation,
// post edits, moderators' notes to authors and suspension reasons. (Already swept elsewhere: display names,
// community names and descriptions in bad-input.test.ts; new post bodies in posts.test.ts; new problem
// titles in topics.test.ts; flag notes, removal reasons and watched words in moderation.test.ts.)
// Each string is accepted or refused with a 400 that names the field, never a 5xx; an accepted string
// reads back byte for byte (the answers are read from the database after the write; the rows are read
// again at the end through the app's own driver).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Agent, type TestApp } from '../helpers/app.js';
import { naughtyStrings } from '../helpers/corpora.js';
import { LIMITS } from '../../shared/limits.js';

let t: TestApp;
let communityId: string;
let facilitator: Agent;
let moderator: Agent;
let writer: Agent;
let suspendeeId: string;

beforeAll(async () => {
  t = await createTestApp();
  communityId = (await t.makeCommunity()).id;
  facilitator = await t.as(await t.makeMember(communityId, ['facilitator']));
  moderator = await t.as(await t.makeMember(communityId, ['moderator']));
  writer = await t.as(await t.makeMember(communityId));
  suspendeeId = (await t.makeMember(communityId)).id;
});
afterAll(async () => t?.close());

const rows = <T>(query: ReturnType<typeof sql>) => t.testDb.database.rows<T>(query);

/** Refusals a string may get: about the string, in the named field. */
const REFUSALS = ['validation_failed', 'empty_text', 'invalid_characters'];

interface Outcome {
  accepted: number;
  refused: number;
}

describe('naughty strings through every remaining text field', () => {
  it('are accepted and read back byte for byte, or refused with a 400 naming the field', async () => {
    const strings = naughtyStrings();
    const outcomes: Record<string, Outcome> = {};
    /** Checks one answer; returns true when the string was accepted. */
    const judge = (name: string, field: string, s: string, res: { statusCode: number; json(): any; body: string }, accepted: number[]) => {
      const o = (outcomes[name] ??= { accepted: 0, refused: 0 });
      expect(res.statusCode, `${name} ${JSON.stringify(s)}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      if (accepted.includes(res.statusCode)) {
        o.accepted++;
        return true;
      }
      expect(res.statusCode, `${name} ${JSON.stringify(s)}`).toBe(400);
      expect(res.json().field, `${name} ${JSON.stringify(s)}`).toBe(field);
      expect(REFUSALS, `${name} ${JSON.stringify(s)}`).toContain(res.json().code);
      o.refused++;
      return false;
    };

    const newCpd = async () => {
      const res = await facilitator.post(`/api/communities/${communityId}/topics`, { kind: 'cpd', title: 'Sweep', article: 'Read', prompts: [{ body: 'First' }] });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const problem = await writer.post(`/api/communities/${communityId}/topics`, { kind: 'problem', title: 'Sweep problem', body: 'Help' });
    expect(problem.statusCode, problem.body).toBe(201);
    const problemId: string = problem.json().id;
    const cpdId = await newCpd();
    let promptTopicId = await newCpd();
    let promptsOnTopic = 1;
    const post = await writer.post(`/api/topics/${problemId}/posts`, { body: 'A reply' });
    expect(post.statusCode, post.body).toBe(201);
    const postId: string = post.json().id;
    let postVersion: number = post.json().version;

    const expected = { edits: [] as string[], prompts: [] as string[], notes: [] as string[], reasons: [] as string[] };
    for (const s of strings) {
      // Topic title (a CPD topic's facilitator edits it) and the CPD article.
      const title = await facilitator.patch(`/api/topics/${cpdId}`, { title: s });
      if (judge('topic title', 'title', s, title, [200])) expect(title.json().title).toBe(s);
      const article = await facilitator.patch(`/api/topics/${cpdId}`, { article: s.slice(0, LIMITS.articleMax) });
      if (judge('CPD article', 'article', s, article, [200])) expect(article.json().bodyMd).toBe(s);

      // A practice problem's body, edited by its author.
      const body = await writer.patch(`/api/topics/${problemId}`, { body: s });
      if (judge('problem body', 'body', s, body, [200])) expect(body.json().bodyMd).toBe(s);

      // A prompt added to a CPD topic (at most 10 a topic: a fresh topic every 9).
      if (promptsOnTopic === LIMITS.promptsMax) {
        promptTopicId = await newCpd();
        promptsOnTopic = 1;
      }
      const prompt = await facilitator.post(`/api/topics/${promptTopicId}/prompts`, { body: s });
      if (judge('prompt', 'body', s, prompt, [201])) {
        promptsOnTopic++;
        expect(prompt.json().bodyMd).toBe(s);
        expected.prompts.push(s);
      }

      // A post edit.
      const edit = await writer.patch(`/api/posts/${postId}`, { body: s, version: postVersion });
      if (judge('post edit', 'body', s, edit, [200])) {
        postVersion = edit.json().version;
        expect(edit.json().bodyMd).toBe(s);
        expected.edits.push(s);
      }

      // A moderator's note to the author, and a suspension reason.
      const note = await moderator.post(`/api/posts/${postId}/author-note`, { message: s });
      if (judge('author note', 'message', s, note, [201])) {
        expect(note.json().message).toBe(s);
        expected.notes.push(s);
      }
      const suspension = await moderator.put(`/api/communities/${communityId}/members/${suspendeeId}/suspension`, { reason: s });
      if (judge('suspension reason', 'reason', s, suspension, [200])) {
        expect(suspension.json().reason).toBe(s);
        expected.reasons.push(s);
      }

      // A profile: the display name (one line) and the bio (several lines; "what I can help with" is the same field type).
      const name = await writer.patch('/api/me', { displayName: s.slice(0, LIMITS.displayNameMax) });
      if (judge('display name', 'displayName', s, name, [200])) expect(name.json().displayName).toBe(s.slice(0, LIMITS.displayNameMax));
      const bio = await writer.patch('/api/me', { bio: s.slice(0, LIMITS.bioMax), expertise: s.slice(0, LIMITS.bioMax) });
      if (judge('bio', 'bio', s, bio, [200])) expect([bio.json().bio, bio.json().expertise]).toEqual([s.slice(0, LIMITS.bioMax), s.slice(0, LIMITS.bioMax)]);
    }

    // The answers above were read back from the database after each write; the rows again here, through
    // the app's database driver (PGlite or pg), in the order written.
    const prompts = await rows<{ body_md: string }>(sql`select p.body_md from prompts p join topics t on t.id = p.topic_id
      where t.community_id = ${communityId} and p.position > 1 order by p.created_at, p.position`);
    expect(prompts.map((p) => p.body_md)).toEqual(expected.prompts);
    const revisions = await rows<{ body_md: string }>(sql`select body_md from post_revisions where post_id = ${postId} order by version`);
    expect(revisions.map((r) => r.body_md).slice(-expected.edits.length)).toEqual(expected.edits);
    const notes = (await moderator.get(`/api/posts/${postId}/author-notes`)).json().items.map((n: { message: string }) => n.message);
    expect([...notes].sort()).toEqual([...expected.notes].sort());
    const reasons = await rows<{ reason: string }>(sql`select reason from suspensions where user_id = ${suspendeeId} order by created_at, id`);
    expect(reasons.map((r) => r.reason)).toEqual(expected.reasons);

    // Most strings are ordinary text and are accepted everywhere.
    for (const [name, o] of Object.entries(outcomes)) expect(o.accepted, name).toBeGreaterThan(strings.length * 0.8);
  }, 600_000); // ~7,000 requests: a corpus sweep, not a timing test
});
