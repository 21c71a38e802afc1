// Turns topic rows into the API shapes. Pure, so that the live-update fan-out can reuse it. Who reads a
// moderated topic's words: canSeeTopicContent in domain/visibility.ts.
import type { TopicSummary } from '../../../shared/schemas/topics.js';
import type { TopicModerationStatus } from '../../db/schema.js';
import { topicStatus } from '../../domain/topic-access.js';

/** A topic as loaded by topics/queries.ts (`topicSummaryFields`). */
export interface TopicRow {
  id: string;
  communityId: string;
  kind: 'cpd' | 'problem';
  title: string;
  authorId: string;
  authorName: string;
  bodyMd: string;
  bodyHtml: string;
  articleUrl: string | null;
  opensAt: Date | null;
  closesAt: Date | null;
  closedAt: Date | null;
  lockedAt: Date | null;
  pinned: boolean;
  solutionPostId: string | null;
  postCount: number;
  posterCount: number;
  readerCount: number;
  /** For the user the row was loaded for (0 for a generic member). */
  unreadCount: number;
  lastActivityAt: Date;
  createdAt: Date;
  /** published, or held (pending), hidden by flags, removed by a moderator. */
  moderationStatus: TopicModerationStatus;
  /** The moderator's removal reason (shown to the author and moderators only). */
  moderationReason: string | null;
  cursorKey: string;
}

/** A topic as a list shows it: without its text. */
export type TopicSummaryRow = Omit<TopicRow, 'bodyMd' | 'bodyHtml' | 'articleUrl'>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The topic-list shape. Pass forViewer=false for events (no per-viewer unread count; the title and reason as
 * the author and moderators see them: the live filter redacts them for others); content=false for the
 * placeholder of a hidden or removed topic (canSeeTopicContent).
 */
export function presentTopicSummary(t: TopicSummaryRow, { forViewer = true, now = new Date(), content = true } = {}): TopicSummary {
  return {
    id: t.id,
    communityId: t.communityId,
    kind: t.kind,
    title: content ? t.title : null,
    status: topicStatus(t, now),
    pinned: t.pinned,
    locked: t.lockedAt !== null,
    author: { id: t.authorId, displayName: t.authorName },
    opensAt: iso(t.opensAt),
    closesAt: iso(t.closesAt),
    postCount: t.postCount,
    posterCount: t.posterCount,
    readerCount: t.readerCount,
    unreadCount: forViewer ? t.unreadCount : 0,
    hasSolution: t.solutionPostId !== null,
    lastActivityAt: t.lastActivityAt.toISOString(),
    createdAt: t.createdAt.toISOString(),
    moderationStatus: t.moderationStatus,
    moderationReason: content ? t.moderationReason : null,
  };
}
