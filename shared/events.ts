// THE catalogue of live events: each event name and the payload it carries (the same shapes the REST API
// returns). The server's recordEvent() is generic over it, the live filter reads it, and the client's
// EventMessage is typed by it, so a payload that drifts fails to compile on both sides.
import type { Post } from './schemas/posts.js';
import type { TopicSummary } from './schemas/topics.js';

/** A scheduled prompt whose release time has come (the topic page shows it without a reload). */
export interface PromptReleased {
  id: string;
  topicId: string;
  position: number;
  bodyMd: string;
  bodyHtml: string;
  releaseAt: string | null;
  answerFirst: boolean;
}

export interface HelpfulChanged {
  postId: string;
  topicId: string;
  helpfulCount: number;
}

export interface EventPayloads {
  /** topic.*: the topic-list shape as its author and moderators see it (no per-viewer unread count). */
  'topic.created': TopicSummary;
  'topic.updated': TopicSummary;
  /** A moderator removed, restored or approved a topic (data: its summary, as for topic.updated). */
  'topic.removed': TopicSummary;
  'topic.restored': TopicSummary;
  'topic.approved': TopicSummary;
  'prompt.released': PromptReleased;
  /** post.* (but post.helpful): the post as the REST API shows it to its author and moderators. */
  'post.created': Post;
  'post.updated': Post;
  'post.withdrawn': Post;
  'post.removed': Post;
  'post.restored': Post;
  'post.approved': Post;
  'post.helpful': HelpfulChanged;
  /** member.*: reach only those who may list members. */
  'member.suspended': { userId: string; until: string | null };
  'member.unsuspended': { userId: string };
  'member.removed': { userId: string };
}

export type EventName = keyof EventPayloads;
export type EventPayload<N extends EventName> = EventPayloads[N];

/** The events whose payload is a post. */
export type PostEventName = { [N in EventName]: EventPayloads[N] extends Post ? N : never }[EventName];
export type TopicEventName = { [N in EventName]: EventPayloads[N] extends TopicSummary ? N : never }[EventName];

/**
 * What a subscriber may receive in place of the payload: the placeholder of a post or topic it may not read
 * (no words, no reason; `redacted: true`). The live filter decides per subscriber.
 */
export type DeliveredPayload<N extends EventName> = N extends PostEventName
  ? Post & { redacted?: true }
  : N extends TopicEventName
    ? TopicSummary & { redacted?: true }
    : EventPayloads[N];

/** An `event` message of the live protocol, discriminated by `name`. */
export type EventMessage = {
  [N in EventName]: { type: 'event'; id: number; channel: string; name: N; data: DeliveredPayload<N> };
}[EventName];
