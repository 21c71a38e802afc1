// Turns topic rows into the API shapes. Pure, so that the live-update fan-out can reuse it.
import type { TopicStatus, TopicSummary } from '../../../shared/schemas/topics.js';

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
  cursorKey: string;
}

/** A topic as a list shows it: without its text. */
export type TopicSummaryRow = Omit<TopicRow, 'bodyMd' | 'bodyHtml' | 'articleUrl'>;

/** closed (by hand or after closesAt) wins over upcoming (before opensAt); otherwise open. */
export function topicStatus(t: Pick<TopicRow, 'opensAt' | 'closesAt' | 'closedAt'>, now = new Date()): TopicStatus {
  if (t.closedAt || (t.closesAt && t.closesAt <= now)) return 'closed';
  if (t.opensAt && t.opensAt > now) return 'upcoming';
  return 'open';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The topic-list shape. Pass forViewer=false for events (no per-viewer unread count). */
export function presentTopicSummary(t: TopicSummaryRow, { forViewer = true, now = new Date() } = {}): TopicSummary {
  return {
    id: t.id,
    communityId: t.communityId,
    kind: t.kind,
    title: t.title,
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
  };
}
