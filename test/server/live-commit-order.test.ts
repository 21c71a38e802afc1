// Events are ordered by commit, not by id: a transaction that drew the lower event id but commits last must
// still reach every client, and a client resuming with `since` = the id it saw last must not skip it.
// Real WebSocket clients on a real port; PGlite by default, PostgreSQL with TEST_DATABASE_URL (where two
// transactions really are open at once).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { recordEvent, communityLiveCursor, type EventPayload } from '../../server/domain/outbox.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { insertTopic } from '../helpers/engagement-factories.js';
import { connectLive, sleep, type LiveClient, type Msg } from '../helpers/live-client.js';
import { eventPosition } from '../helpers/event-position.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => t?.close());

const topicUpdated = (topicId: string, title: string) => ({ id: topicId, title }) as unknown as EventPayload<'topic.updated'>;

async function world(topicCount = 1) {
  const community = await t.makeCommunity();
  const facilitator = await t.makeMember(community.id, ['facilitator']);
  const reader = await t.as(await t.makeMember(community.id));
  const topicIds: string[] = [];
  for (let i = 0; i < topicCount; i++) topicIds.push((await insertTopic(t.app.db, { communityId: community.id, authorId: facilitator.id, title: `Topic ${i}` })));
  return { communityId: community.id, reader, topicIds, channel: `community:${community.id}` };
}

/** Records one topic.updated event in a transaction of its own; returns its position. */
async function record(communityId: string, topicId: string, title: string): Promise<number> {
  const rowId = await t.app.db.transaction((tx) => recordEvent(tx, { communityId, topicId, name: 'topic.updated', data: topicUpdated(topicId, title) }));
  return eventPosition(t.app, rowId);
}

const rowsOf = async <T>(query: SQL) => ((await t.app.db.execute(query)) as unknown as { rows: T[] }).rows;
const titles = (client: LiveClient, channel: string) => client.events(channel).map((m) => (m.data as { title: string }).title);
const ids = (client: LiveClient, channel: string) => client.events(channel).map((m) => m.id!);

/**
 * The scenario of the issue, given the two event rows' ids in the wrong order: B (the higher id) committed
 * and was delivered; then A (the lower id) commits. A is delivered after B, with a higher position, to the
 * client that stayed and to one resuming from B.
 */
async function expectLateCommitDelivered(w: Awaited<ReturnType<typeof world>>, live: LiveClient, commitA: () => Promise<number>, positionB: number) {
  const cursorBeforeA = await communityLiveCursor(t.app.db, { communityId: w.communityId });
  expect(cursorBeforeA).toBe(positionB); // a page read now is up to date to B, and does not contain A
  const rowA = await commitA();
  const positionA = await eventPosition(t.app, rowA);
  expect(positionA).toBeGreaterThan(positionB);
  await live.waitFor((m: Msg) => m.type === 'event' && m.id === positionA, 'the late commit');
  expect(titles(live, w.channel)).toEqual(['B', 'A']);

  const resumed = await connectLive(t, w.reader);
  expect(await resumed.subscribe(w.channel, positionB)).toMatchObject({ type: 'subscribed', lastEventId: positionA });
  expect(titles(resumed, w.channel)).toEqual(['A']);
  await resumed.close();
}

describe('live events are ordered by commit', () => {
  it('delivers an event whose row id is lower than one already delivered (the id drawn first, the row written later)', async () => {
    const w = await world();
    const [topicId] = w.topicIds as [string];
    const live = await connectLive(t, w.reader);
    await live.subscribe(w.channel);
    // Draw A's id first, as a transaction that began earlier would; B takes the next one and commits first.
    const [{ id: idA }] = (await rowsOf<{ id: number }>(sql`select nextval(pg_get_serial_sequence('events', 'id'))::float8 as id`)) as [{ id: number }];
    const positionB = await record(w.communityId, topicId, 'B');
    await live.waitFor((m) => m.type === 'event' && m.id === positionB, 'B');
    await expectLateCommitDelivered(
      w,
      live,
      () =>
        t.app.db.transaction(async (tx) => {
          await tx.execute(sql`insert into events (id, community_id, topic_id, name, data) values (${idA}, ${w.communityId}, ${topicId}, 'topic.updated', ${JSON.stringify(topicUpdated(topicId, 'A'))}::jsonb)`);
          return idA;
        }),
      positionB,
    );
    await live.close();
  });

  it('delivers the transaction that took the lower id and committed last (two transactions open at once; PostgreSQL)', async () => {
    if (t.testDb.database.kind === 'pglite') return; // one connection: PGlite runs transactions one after another
    const w = await world();
    const [topicId] = w.topicIds as [string];
    const live = await connectLive(t, w.reader);
    await live.subscribe(w.channel);
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let recordedA!: (id: number) => void;
    const idRecorded = new Promise<number>((resolve) => (recordedA = resolve));
    const transactionA = t.app.db.transaction(async (tx) => {
      const id = await recordEvent(tx, { communityId: w.communityId, topicId, name: 'topic.updated', data: topicUpdated(topicId, 'A') });
      recordedA(id);
      await gate; // A stays open while B commits
      return id;
    });
    const idA = await idRecorded;
    const rowB = await t.app.db.transaction((tx) => recordEvent(tx, { communityId: w.communityId, topicId, name: 'topic.updated', data: topicUpdated(topicId, 'B') }));
    expect(rowB).toBeGreaterThan(idA);
    const positionB = await eventPosition(t.app, rowB);
    await live.waitFor((m) => m.type === 'event' && m.id === positionB, 'B');
    await expectLateCommitDelivered(
      w,
      live,
      async () => {
        commit();
        return transactionA;
      },
      positionB,
    );
    await live.close();
  });

  it('gives every client every event once, in order, with writers in several topics and a client resuming midway', async () => {
    const w = await world(5);
    const stays = await connectLive(t, w.reader);
    await stays.subscribe(w.channel);
    const perTopic = await connectLive(t, w.reader);
    for (const topicId of w.topicIds) await perTopic.subscribe(`topic:${topicId}`);
    let resuming = await connectLive(t, w.reader);
    await resuming.subscribe(w.channel);
    const seenBeforeResume: Msg[] = [];

    // 8 writers × 8 events, each transaction held open a random moment so commits overtake each other.
    const writer = async (n: number) => {
      for (let i = 0; i < 8; i++) {
        const topicId = w.topicIds[(n + i) % w.topicIds.length]!;
        await t.app.db.transaction(async (tx) => {
          await recordEvent(tx, { communityId: w.communityId, topicId, name: 'topic.updated', data: topicUpdated(topicId, `w${n}-${i}`) });
          await sleep(Math.floor(Math.random() * 15));
        });
        if (n === 0 && i === 3) {
          // Midway: the resuming client drops and comes back with the last id it saw.
          seenBeforeResume.push(...resuming.events(w.channel));
          await resuming.close();
          resuming = await connectLive(t, w.reader);
          await resuming.subscribe(w.channel, seenBeforeResume.at(-1)?.id ?? 0);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, n) => writer(n)));
    const sentinel = await record(w.communityId, w.topicIds[0]!, 'sentinel');
    for (const client of [stays, resuming]) await client.waitFor((m) => m.type === 'event' && m.channel === w.channel && m.id === sentinel, 'sentinel', 20_000);
    await perTopic.waitFor((m) => m.type === 'event' && m.id === sentinel, 'sentinel on its topic', 20_000);

    const all = ids(stays, w.channel);
    expect(all).toHaveLength(65);
    expect(new Set(all).size).toBe(65);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(new Set(titles(stays, w.channel))).toEqual(new Set([...Array.from({ length: 64 }, (_, k) => `w${k >> 3}-${k & 7}`), 'sentinel']));
    // The resumed client: what it saw before plus what it got after is the same sequence, without repeats.
    expect([...seenBeforeResume.map((m) => m.id!), ...ids(resuming, w.channel)]).toEqual(all);
    // Each topic channel: exactly that topic's events, in the same order.
    const rows = await rowsOf<{ position: number; topic_id: string }>(sql`select position::float8 as position, topic_id from events where community_id = ${w.communityId}`);
    const topicOf = new Map(rows.map((r) => [r.position, r.topic_id]));
    for (const topicId of w.topicIds) expect(ids(perTopic, `topic:${topicId}`)).toEqual(all.filter((id) => topicOf.get(id) === topicId));
    for (const client of [stays, perTopic, resuming]) await client.close();
  }, 60_000);

  it("takes each community's live cursor from its own newest event, in batches that mix communities, and 0 before any", async () => {
    const worlds = [await world(2), await world(1), await world(1)];
    const quiet = await world(1);
    const cursorOf = (communityId: string) => communityLiveCursor(t.app.db, { communityId });
    const newestOf = async (communityId: string) =>
      (await rowsOf<{ n: number | null }>(sql`select max(position)::float8 as n from events where community_id = ${communityId}`))[0]!.n ?? 0;
    await t.app.eventSequencer.settle();
    const quietBefore = await newestOf(quiet.communityId);
    // One transaction recording events of three communities (one sequencer batch), then single events.
    await t.app.db.transaction(async (tx) => {
      for (const [i, w] of [...worlds, worlds[0]!, worlds[1]!].entries()) {
        await recordEvent(tx, { communityId: w.communityId, topicId: w.topicIds[0]!, name: 'topic.updated', data: topicUpdated(w.topicIds[0]!, `mixed ${i}`) });
      }
    });
    await record(worlds[2]!.communityId, worlds[2]!.topicIds[0]!, 'alone');
    await t.app.eventSequencer.settle();
    for (const w of worlds) {
      expect(await cursorOf(w.communityId)).toBe(await newestOf(w.communityId));
      // What a page read answers, and where a subscription without `since` starts.
      const page = await w.reader.get(`/api/topics/${w.topicIds[0]}/posts`);
      expect(page.json().liveCursor).toBe(await newestOf(w.communityId));
      const live = await connectLive(t, w.reader);
      expect(await live.subscribe(w.channel)).toMatchObject({ type: 'subscribed', lastEventId: await newestOf(w.communityId) });
      await live.close();
    }
    // A community whose events are all older than everyone else's keeps its own cursor.
    expect(await cursorOf(quiet.communityId)).toBe(quietBefore);
    expect(await cursorOf(worlds[0]!.communityId)).toBeGreaterThan(quietBefore);
    const fresh = await t.makeCommunity();
    expect(await cursorOf(fresh.id)).toBe(0);
  });
});
