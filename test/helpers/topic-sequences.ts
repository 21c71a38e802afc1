// What the seeded random-sequence tests of topic counters share (topic-counters, topic-read-counts): the
// PRNG, the community with a facilitator and a moderator whose rules let a step hold or hide a post, and the
// posts' states each step picks from.
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Agent, TestApp } from './app.js';
import { seeded } from './seeded-random.js';

/** Seeded random numbers (seeded-random.ts), and a pick among items: a failing sequence replays exactly. */
export function random(seed: number) {
  const next = seeded(seed);
  return { next, pick: <T>(items: T[]): T => items[Math.floor(next() * items.length)]! };
}

/** A new community with members named `names` (no roles), a facilitator (Fay) and a moderator (Mo). */
export async function communityWithStaff(t: TestApp, names: string[]) {
  const communityId = (await t.makeCommunity()).id;
  const members = await Promise.all(names.map((displayName) => t.makeMember(communityId, [], { displayName })));
  const fay = await t.makeMember(communityId, ['facilitator'], { displayName: 'Fay' });
  const mo = await t.makeMember(communityId, ['moderator'], { displayName: 'Mo' });
  return { communityId, members, fay, mo };
}

/** 'lawsuit' holds a post (new or edited) for review; one flag hides a post pending review. */
export async function holdAndAutoHide(moAgent: Agent, communityId: string) {
  expect((await moAgent.put(`/api/communities/${communityId}/watched-words`, { words: [{ phrase: 'lawsuit', action: 'hold' }] })).statusCode).toBe(200);
  expect((await moAgent.patch(`/api/communities/${communityId}/settings`, { autoHideThreshold: 1 })).statusCode).toBe(200);
}

export interface PostState {
  id: string;
  topicId: string;
  authorId: string;
  status: string;
  version: number;
}

/** The posts of these topics, oldest first. */
export async function postsOf(t: TestApp, topicIds: string[]): Promise<PostState[]> {
  return t.testDb.database.rows<PostState>(sql`
    select id, topic_id as "topicId", author_id as "authorId", status, version from posts
    where topic_id in (${sql.join(topicIds.map((id) => sql`${id}::uuid`), sql`, `)}) order by created_at, id`);
}
