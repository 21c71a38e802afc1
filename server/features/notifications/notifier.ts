// The notifier: reads each community's events in order (from the event log every feature writes) and turns
// them into notifications for the members who should hear, and may see, what happened. It runs in every
// process; a community's cursor row is locked while one process works on it, so each event is read once.
//
// Who hears what (levels.ts for watching levels; muted always wins):
//   post.created / post.approved (a published post): the parent post's author ("reply"), the topic's author
//     for a direct answer ("reply", tracking or watching), members it @mentions ("mention", at most ten), and
//     everyone watching the topic ("post"); one notification per member, the most personal kind;
//   topic.created / topic.approved: members whose community level is tracking or watching ("topic");
//   prompt.released: the same members, and those tracking or watching the topic ("prompt");
//   post.helpful: the post's author, batched while unread ("3 people found your post helpful");
//   topic.updated with a new solution: the solution's author ("solution");
//   post/topic removed, restored, approved: the author, with the moderator's note ("moderation").
// Never about content the member may not see: the topic must be published and open, the post published, the
// author not suspended, an answer-first prompt's replies only to those who answered (and its facilitators and
// moderators), and only current members.
import type { FastifyBaseLogger } from 'fastify';
import type { Db, DbOrTx } from '../../db/client.js';
import { MENTIONS_MAX, mentionedHandles } from '../../../shared/mentions.js';
import { DEFAULT_COMMUNITY_LEVEL, effectiveTopicLevel } from './levels.js';
import * as q from './queries.js';

const EVENTS_PER_TICK = 200;

export interface NotifierOptions {
  db: Db;
  log: FastifyBaseLogger;
  intervalMs: number;
  /** Resolves once every event committed so far has its position (the notifier reads in position order). */
  settle: () => Promise<void>;
}

export function createNotifier({ db, log, intervalMs, settle }: NotifierOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  // Set by stop(): the pass ends after the batch in hand (its cursor is saved with it), so a shutdown never waits
  // for a long backlog; the next start reads on from the saved cursors.
  let stopping = false;

  /** One pass over every community with unread events; returns how many events were read. */
  async function tick(): Promise<number> {
    let total = 0;
    for (;;) {
      const notified = new Set<string>();
      const read = await db.transaction(async (tx) => {
        const claimed = await q.claimCommunitiesWithNews(tx, 10);
        let count = 0;
        for (const cursor of claimed) {
          const events = await q.eventsAfter(tx, cursor.community_id, cursor.last_event_id, EVENTS_PER_TICK);
          for (const userId of await notifyForEvents(tx, cursor.community_id, events)) notified.add(userId);
          if (events.length > 0) await q.advanceCursor(tx, cursor.community_id, events.at(-1)!.id);
          count += events.length;
        }
        // Sent with the commit: the members' open tabs ask for their notifications again.
        await q.announce(tx, [...notified]);
        return count;
      });
      total += read;
      if (read === 0 || stopping) return total;
    }
  }

  function run(): Promise<number> {
    if (stopping) return Promise.resolve(0);
    running ??= tick()
      .catch((err) => {
        log.error({ err }, 'notifications: notifier tick failed');
        return 0;
      })
      .finally(() => (running = undefined));
    return running;
  }

  return {
    start() {
      stopping = false;
      timer = setInterval(() => void run(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      await running;
    },
    /** A new event was recorded (LISTEN): read it soon. */
    poke: () => void run(),
    /** Reads everything recorded so far (tests). */
    async drain() {
      await settle();
      while (running) await running;
      return tick();
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;

/**
 * Writes the notifications a community's events cause, in event order; returns who got one. A run of new posts
 * (most events, and a busy topic's load) is read and written together: a few statements for the run, not five
 * per post.
 */
async function notifyForEvents(tx: DbOrTx, communityId: string, events: q.StoredEvent[]): Promise<string[]> {
  const recipients: string[] = [];
  for (let i = 0; i < events.length; ) {
    let end = i;
    while (end < events.length && events[end]!.name === 'post.created') end++;
    if (end > i) {
      recipients.push(...(await onPosts(tx, communityId, events.slice(i, end))));
      i = end;
    } else {
      recipients.push(...(await notifyFor(tx, communityId, events[i]!)));
      i++;
    }
  }
  return recipients;
}

/** Writes the notifications one event causes; returns who got one. */
async function notifyFor(tx: DbOrTx, communityId: string, event: q.StoredEvent): Promise<string[]> {
  const data = event.data ?? {};
  switch (event.name) {
    case 'post.created':
    case 'post.approved': {
      const recipients = await onPosts(tx, communityId, [event]);
      if (event.name === 'post.approved') recipients.push(...(await onModeration(tx, communityId, event, 'post', 'approved')));
      return recipients;
    }
    case 'topic.created':
    case 'topic.approved': {
      const recipients = await onTopicOrPrompt(tx, communityId, event, 'topic', null);
      if (event.name === 'topic.approved') recipients.push(...(await onModeration(tx, communityId, event, 'topic', 'approved')));
      return recipients;
    }
    case 'prompt.released':
      return onTopicOrPrompt(tx, communityId, event, 'prompt', String(data.id));
    case 'post.helpful':
      return onHelpful(tx, communityId, event, String(data.postId));
    case 'topic.updated':
      return onSolution(tx, communityId, event);
    case 'post.removed':
      return onModeration(tx, communityId, event, 'post', 'removed');
    case 'post.restored':
      return onModeration(tx, communityId, event, 'post', 'restored');
    case 'topic.removed':
      return onModeration(tx, communityId, event, 'topic', 'removed');
    case 'topic.restored':
      return onModeration(tx, communityId, event, 'topic', 'restored');
    default:
      return [];
  }
}

const isModerator = (m: q.MemberFacts) => m.roles.includes('moderator');

/** Published posts' notifications (post.created, post.approved: the event's `data.id`), for a run of events. */
async function onPosts(tx: DbOrTx, communityId: string, events: q.StoredEvent[]): Promise<string[]> {
  const unique = (ids: string[]) => [...new Set(ids)];
  const posts = await q.postFactsMany(tx, unique(events.map((e) => String(e.data?.id))));
  const published = [...posts.values()].filter((p) => p.status === 'published'); // held posts notify when approved
  if (published.length === 0) return [];
  const topics = await q.topicFactsMany(tx, unique(published.map((p) => p.topic_id)));
  const visible = published.filter((p) => topics.get(p.topic_id)?.visible);
  if (visible.length === 0) return [];
  const suspended = await q.suspendedAmong(tx, communityId, unique(visible.map((p) => p.author_id)));
  // Who can be told of a reply: the mentioned, the replied-to, the topic's author, and watchers (see membersFor).
  const mentionsOf = new Map(visible.map((p) => [p.id, new Set(mentionedHandles(p.body_md).slice(0, MENTIONS_MAX))]));
  const audiences = await q.membersForPosts(
    tx,
    communityId,
    visible
      .filter((p) => !suspended.has(p.author_id))
      .map((p) => ({
        postId: p.id,
        topicId: p.topic_id,
        promptId: p.prompt_id,
        userIds: [topics.get(p.topic_id)!.author_id, ...(p.parent_author_id ? [p.parent_author_id] : [])],
        handles: [...mentionsOf.get(p.id)!],
      })),
  );
  const out: q.NewNotification[] = [];
  for (const event of events) {
    const post = posts.get(String(event.data?.id));
    const members = post && audiences.get(post.id);
    if (!post || !members) continue;
    out.push(...postNotifications(communityId, event, post, topics.get(post.topic_id)!, mentionsOf.get(post.id)!, members));
  }
  await q.insertNotifications(tx, out);
  return out.map((n) => n.userId);
}

/** One member each, the most personal kind: mention, then reply, then a watched topic's post. */
function postNotifications(communityId: string, event: q.StoredEvent, post: q.PostFacts, topic: q.TopicFacts, mentions: Set<string>, members: q.MemberFacts[]) {
  const out: q.NewNotification[] = [];
  for (const m of members) {
    if (m.user_id === post.author_id) continue;
    // Answer-first: others' answers stay hidden from a member until they answer.
    if (post.answer_first && !m.answered_prompt && !topic.facilitator_ids.includes(m.user_id) && m.user_id !== topic.author_id && !isModerator(m)) continue;
    const level = effectiveTopicLevel({ topicLevel: m.topic_level, communityLevel: m.community_level, tookPart: m.took_part });
    if (level === 'muted') continue;
    let kind: q.NewNotification['kind'] | null = null;
    if (mentions.has(m.handle)) kind = 'mention';
    else if (m.user_id === post.parent_author_id) kind = 'reply';
    else if (m.user_id === topic.author_id && !post.parent_author_id && (level === 'tracking' || level === 'watching')) kind = 'reply';
    else if (level === 'watching') kind = 'post';
    if (!kind) continue;
    out.push({ userId: m.user_id, kind, communityId, topicId: topic.id, postId: post.id, actorId: post.author_id, data: {}, eventId: event.id });
  }
  return out;
}

async function onTopicOrPrompt(tx: DbOrTx, communityId: string, event: q.StoredEvent, kind: 'topic' | 'prompt', promptId: string | null) {
  if (!event.topic_id) return [];
  const topic = await q.topicFacts(tx, event.topic_id);
  if (!topic || !topic.visible) return [];
  if (await q.isSuspended(tx, communityId, topic.author_id)) return [];
  const members = await q.membersFor(tx, communityId, topic.id, null);
  const out: q.NewNotification[] = [];
  for (const m of members) {
    if (kind === 'topic' && m.user_id === topic.author_id) continue;
    const community = m.community_level ?? DEFAULT_COMMUNITY_LEVEL;
    const level = effectiveTopicLevel({ topicLevel: m.topic_level, communityLevel: m.community_level, tookPart: m.took_part });
    if (level === 'muted') continue;
    const follows = community === 'tracking' || community === 'watching' || (kind === 'prompt' && (level === 'tracking' || level === 'watching'));
    if (!follows) continue;
    if (kind === 'prompt' && topic.facilitator_ids.includes(m.user_id)) continue; // they released it
    out.push({ userId: m.user_id, kind, communityId, topicId: topic.id, postId: null, actorId: topic.author_id, data: promptId ? { promptId } : {}, eventId: event.id });
  }
  await q.insertNotifications(tx, out);
  return out.map((n) => n.userId);
}

async function onHelpful(tx: DbOrTx, communityId: string, event: q.StoredEvent, postId: string) {
  const post = await q.postFacts(tx, postId);
  if (!post || post.status !== 'published') return [];
  const topic = await q.topicFacts(tx, post.topic_id);
  if (!topic || !topic.visible) return [];
  const groupKey = `helpful:${post.id}`;
  // Only more marks than the member was last told of are news (a mark taken back is not).
  if (post.helpful_count <= (await q.lastGroupedCount(tx, post.author_id, groupKey))) return [];
  await q.upsertGrouped(tx, {
    userId: post.author_id,
    kind: 'helpful',
    communityId,
    topicId: topic.id,
    postId: post.id,
    actorId: null,
    data: { count: post.helpful_count },
    eventId: event.id,
    groupKey,
  });
  return [post.author_id];
}

async function onSolution(tx: DbOrTx, communityId: string, event: q.StoredEvent) {
  if (!event.topic_id) return [];
  const topic = await q.topicFacts(tx, event.topic_id);
  if (!topic?.solution_post_id || !topic.visible) return [];
  const post = await q.postFacts(tx, topic.solution_post_id);
  if (!post || post.status !== 'published' || post.author_id === topic.author_id) return [];
  const groupKey = `solution:${post.id}`;
  if (await q.everNotified(tx, post.author_id, groupKey)) return [];
  await q.insertNotifications(tx, [
    { userId: post.author_id, kind: 'solution', communityId, topicId: topic.id, postId: post.id, actorId: topic.author_id, data: {}, eventId: event.id, groupKey },
  ]);
  return [post.author_id];
}

async function onModeration(tx: DbOrTx, communityId: string, event: q.StoredEvent, what: 'post' | 'topic', outcome: 'removed' | 'restored' | 'approved') {
  const data = event.data ?? {};
  if (what === 'post') {
    const post = await q.postFacts(tx, String(data.id));
    if (!post) return [];
    await q.insertNotifications(tx, [
      {
        userId: post.author_id,
        kind: 'moderation',
        communityId,
        topicId: post.topic_id,
        postId: post.id,
        actorId: null,
        data: { target: 'post', outcome, note: outcome === 'removed' ? post.status_reason : null },
        eventId: event.id,
      },
    ]);
    return [post.author_id];
  }
  if (!event.topic_id) return [];
  const topic = await q.topicFacts(tx, event.topic_id);
  if (!topic) return [];
  await q.insertNotifications(tx, [
    { userId: topic.author_id, kind: 'moderation', communityId, topicId: topic.id, postId: null, actorId: null, data: { target: 'topic', outcome, note: outcome === 'removed' ? topic.moderation_reason : null }, eventId: event.id },
  ]);
  return [topic.author_id];
}
