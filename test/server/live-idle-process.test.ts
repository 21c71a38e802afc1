// A process with no live connection does not load the events its NOTIFYs announce (server/features/live/
// delivery.ts): nobody there could receive them, and a client that connects later replays from the log. What
// it must not miss is a change to what its cache knows of a topic: a member who connects afterwards must not
// be sent a reply in a topic that has since gone out of their sight. Its own app and database, so that no
// other file's or test's socket is open in the process.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { posts, topics } from '../../server/db/schema.js';
import { recordEvent, type EventPayload } from '../../server/domain/outbox.js';
import { createTestApp, type TestApp, type TestUser } from '../helpers/app.js';
import { insertTopic } from '../helpers/engagement-factories.js';
import { eventPosition } from '../helpers/event-position.js';
import { connectLive, sleep } from '../helpers/live-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

/** A published reply and its post.created event, in one transaction; returns the event's position. */
async function reply(communityId: string, topicId: string, author: TestUser, body: string) {
  const rowId = await t.app.db.transaction(async (tx) => {
    const [post] = await tx.insert(posts).values({ communityId, topicId, authorId: author.id, bodyMd: body, bodyHtml: `<p>${body}</p>`, status: 'published' }).returning();
    const data = { id: post!.id, topicId, promptId: null, parentId: null, author: { id: author.id, displayName: author.displayName }, bodyMd: body, bodyHtml: `<p>${body}</p>`, status: 'published', statusReason: null, version: 1, helpfulCount: 0, createdAt: post!.createdAt.toISOString() };
    return recordEvent(tx, { communityId, topicId, name: 'post.created', data: data as unknown as EventPayload<'post.created'> });
  });
  return eventPosition(t.app, rowId);
}

it('forgets what it cached of a topic changed while nobody was connected, instead of loading the batch', async () => {
  const community = await t.makeCommunity();
  const facilitator = await t.makeMember(community.id, ['facilitator']);
  const ana = await t.makeMember(community.id, [], { displayName: 'Ana' });
  const ben = await t.makeMember(community.id, [], { displayName: 'Ben' });
  const topicId = await insertTopic(t.app.db, { communityId: community.id, authorId: facilitator.id });
  const otherTopicId = await insertTopic(t.app.db, { communityId: community.id, authorId: facilitator.id });
  const channel = `community:${community.id}`;

  // Ana follows the community: a reply in the topic reaches her, and the process caches the topic as open.
  const first = await connectLive(t, await t.as(ana));
  await first.subscribe(channel);
  const seen = await reply(community.id, topicId, ben, 'While the topic is open');
  await first.waitFor((m) => m.id === seen, 'the first reply');
  await first.close();
  await sleep(300); // the server forgets the socket on its side of the close

  // With nobody connected, the topic becomes an upcoming one (out of practitioners' sight), and says so.
  await t.app.db.update(topics).set({ opensAt: new Date(Date.now() + 86_400_000) }).where(eq(topics.id, topicId));
  await t.app.db.transaction((tx) => recordEvent(tx, { communityId: community.id, topicId, name: 'topic.updated', data: { id: topicId } as unknown as EventPayload<'topic.updated'> }));
  await sleep(300); // its NOTIFY arrives while no socket is open

  // Ana comes back: a reply in the hidden topic must not reach her; one in another topic does.
  const again = await connectLive(t, await t.as(ana));
  await again.subscribe(channel);
  const hidden = await reply(community.id, topicId, ben, 'In the topic now upcoming');
  const barrier = await reply(community.id, otherTopicId, ben, 'In another topic');
  await again.waitFor((m) => m.id === barrier, 'the reply in the other topic');
  expect(again.events(channel).map((m) => m.id)).toEqual([barrier]);
  expect(hidden).toBeLessThan(barrier);
  await again.close();
});
