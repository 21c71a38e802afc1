// Per-subscriber filtering: the ONE place that decides what an event may show to whom.
// Rule of thumb: an event carries nothing the subscriber could not fetch over HTTP.
//
// Contract for code that records events (see docs/live-protocol.md, "Event data"):
//  - every event with a topic passes the topic's visibility rule (upcoming topics: facilitators only);
//  - `data.audience = { userIds?: string[], roles?: CommunityRole[] }` restricts any event to those users,
//    those community roles and instance admins; the key is removed before sending;
//  - post.* events carry the post as the REST API shows it to its author/moderators
//    (presentPost(row, EVENT_VIEW)); who sees its content is decided by domain/visibility.ts
//    (presentPostSnapshot → canSeePost/canSeeContent), the same as over HTTP;
//  - topic.* events carry the topic summary as its author and moderators see it; a hidden or removed topic
//    reaches others as its placeholder (no title, no reason), and nothing else of it — its prompts and posts —
//    reaches them at all (domain/visibility.ts canSeeTopicContent, the same rule as over HTTP);
//  - `data.private` (any event) reaches only the post's author, moderators and admins;
//  - member.* events (data `{ userId }`) reach only those who may list members.
import { can, topicContext, type Actor, type CommunityRole, type MembershipContext } from '../../policy/policy.js';
import { presentPostSnapshot, type PostSnapshot } from '../posts/present.js';
import { canSeeTopicContent, type PostViewer } from '../../domain/visibility.js';
import type { TopicCore } from '../../domain/topic-access.js';
import type { PostStatus } from '../../db/schema.js';
import type { EventPayload, PostEventName } from '../../../shared/events.js';
import type { EventRow } from './queries.js';

export interface Viewer {
  actor: Actor;
  /** The viewer's membership of the event's community (null: none, e.g. an admin). */
  membership: MembershipContext | null;
  /** Per-connection cache: promptId → has the viewer posted in that prompt (the answer-first rule). */
  answeredPrompts: Map<string, boolean>;
}

/** What the hub loads once per event (cached across events) before asking visibleTo for each subscriber. */
export interface EventContext {
  topic: TopicCore | null;
  /** For post.* events in a prompt: is that prompt answer-first? */
  promptAnswerFirst: boolean;
  /** For post.* events: the post's status NOW (null: unknown/gone). A replayed post.created of a post
   *  removed since must not show its content to those who may not read it any more. */
  currentPostStatus?: PostStatus | null;
  /** Memo of the redacted variant of the data, so all non-privileged subscribers share one copy (one JSON.stringify). */
  redacted?: unknown;
  /** Memo of the placeholder of a hidden or removed topic (topic.* events). */
  redactedTopic?: unknown;
  /** Memo of the data without its `audience` key. */
  withoutAudience?: unknown;
  /** Memo of the data without its `private` key. */
  withoutPrivate?: unknown;
}

export type Visibility =
  | { visible: true; data: unknown }
  | { visible: false }
  /** The hub must first find out whether the viewer has posted in this prompt (then call again). */
  | { visible: 'unknown'; answeredPromptId: string };

const HIDDEN: Visibility = { visible: false };

/**
 * A post.* payload as stored (shared/events.ts), read defensively: rows recorded by older versions may lack
 * newer keys, and post.helpful carries no post at all (no status: the snapshot rule does not apply).
 */
type StoredPost = Partial<EventPayload<PostEventName>> & Partial<EventPayload<'post.helpful'>> & { authorId?: unknown };

interface Audience {
  userIds?: string[];
  roles?: CommunityRole[];
}

/** The author of a stored post payload (`author.id`; very old rows: `authorId`). */
export const postAuthorId = (post: { author?: unknown; authorId?: unknown }): string | undefined => {
  const author = post.author as { id?: unknown } | null | undefined;
  const id = author?.id ?? post.authorId;
  return typeof id === 'string' ? id : undefined;
};

/** The rules, in order. Returns the data to send (possibly a redacted copy), nothing, or "look up first". */
export function visibleTo(event: EventRow, ctx: EventContext, viewer: Viewer): Visibility {
  const { actor, membership } = viewer;
  const data = (event.data ?? {}) as Record<string, unknown>;

  if (event.name.startsWith('member.')) {
    return can(actor, 'members.list', { membership }) ? { visible: true, data } : HIDDEN;
  }

  const topic = ctx.topic ? topicContext(ctx.topic) : undefined;
  if (event.topicId && !topic && !actor.isAdmin) return HIDDEN; // topic gone: say nothing
  if (topic && !can(actor, 'topic.read', { membership, topic })) return HIDDEN;

  let payload: Record<string, unknown> = data;
  if (data.audience && typeof data.audience === 'object') {
    const audience = data.audience as Audience;
    const inAudience =
      actor.isAdmin ||
      (audience.userIds?.includes(actor.id) ?? false) ||
      (audience.roles?.some((r) => membership?.roles.includes(r)) ?? false);
    if (!inAudience) return HIDDEN;
    ctx.withoutAudience ??= (({ audience: _omit, ...rest }) => rest)(data);
    payload = ctx.withoutAudience as Record<string, unknown>;
  }

  if (ctx.topic) {
    // A hidden or removed topic — now, or when the event was recorded — shows its words and its discussion to
    // its author, facilitators and moderators only; others get the placeholder of a topic.* event and nothing more.
    const viewerFacts = { userId: actor.id, seesHidden: can(actor, 'topic.readHidden', { membership, ...(topic ? { topic } : {}) }) };
    const then = event.name.startsWith('topic.') ? (payload as { moderationStatus?: unknown }).moderationStatus : undefined;
    const shownNow = canSeeTopicContent(ctx.topic, viewerFacts);
    const shownThen = typeof then !== 'string' || canSeeTopicContent({ moderationStatus: then as TopicCore['moderationStatus'], authorId: ctx.topic.authorId }, viewerFacts);
    if (!shownNow || !shownThen) {
      if (!event.name.startsWith('topic.')) return HIDDEN;
      ctx.redactedTopic ??= redactTopic(payload);
      return { visible: true, data: ctx.redactedTopic };
    }
  }

  if (event.name.startsWith('post.')) {
    const post = payload as StoredPost;
    const authorId = postAuthorId(post);
    // Author, moderators, admins: the same people who may read a post's revisions see everything.
    const privileged = can(actor, 'post.readRevisions', { membership, post: { authorId: authorId ?? '' } });
    if (privileged) return { visible: true, data: payload };

    // Answer-first prompts: replies show only to those who have answered, and to the topic's facilitators.
    if (post.promptId && ctx.promptAnswerFirst && !(topic?.facilitatorIds.includes(actor.id) ?? false)) {
      const answered = viewer.answeredPrompts.get(post.promptId);
      if (answered === undefined) return { visible: 'unknown', answeredPromptId: post.promptId };
      if (!answered) return HIDDEN;
    }
    if (typeof post.status === 'string' && authorId) {
      // A post snapshot: the posts feature's rule, for a member who is not its author nor a moderator.
      const postViewer: PostViewer = { userId: actor.id, seesHidden: false };
      const snapshot = { ...(payload as object), author: { id: authorId } } as PostSnapshot;
      const shown = presentPostSnapshot(snapshot, postViewer, ctx.currentPostStatus ? { status: ctx.currentPostStatus } : null);
      if (!shown) return HIDDEN;
      if (shown === snapshot) return { visible: true, data: stripPrivate(payload, ctx) };
      ctx.redacted ??= redactPost(payload);
      return { visible: true, data: ctx.redacted };
    }
  }
  // Anything private on other events: moderators and admins only.
  if (!can(actor, 'post.readHidden', { membership })) return { visible: true, data: stripPrivate(payload, ctx) };
  return { visible: true, data: payload };
}

function stripPrivate(payload: Record<string, unknown>, ctx: EventContext): Record<string, unknown> {
  if (!('private' in payload)) return payload;
  ctx.withoutPrivate ??= (({ private: _omit, ...rest }) => rest)(payload);
  return ctx.withoutPrivate as Record<string, unknown>;
}

/** What others see of a hidden or removed topic: that it is there (the REST placeholder), not what it says or why. */
function redactTopic(topic: Record<string, unknown>): Record<string, unknown> {
  const { private: _private, ...copy } = topic;
  return { ...copy, title: null, moderationReason: null, redacted: true };
}

/** What others see of a withdrawn, removed or hidden post: that it was (the REST placeholder), not what it said or why. */
function redactPost(post: Record<string, unknown>): Record<string, unknown> {
  const { private: _private, revisions: _revisions, ...copy } = post;
  return { ...copy, bodyMd: null, bodyHtml: null, statusReason: null, redacted: true };
}
