// Revisions of a topic's words (title and text) and of its prompts: the edit use cases (service.ts) keep the
// old words here in their own transaction, and "History" lists every version to the topic's editors and moderators.
import type { Db, DbOrTx } from '../../db/client.js';
import { can, type Actor } from '../../policy/policy.js';
import type { TopicRevision } from '../../../shared/schemas/topics.js';
import { isScheduled } from '../../domain/topic-access.js';
import type { TopicAccessDeps } from '../../domain/deps.js';
import * as q from './queries.js';

interface RevisionWords {
  title: string | null;
  bodyMd: string;
  bodyHtml: string;
}

/**
 * Writes the new version of a topic's words (promptId null) or of a prompt's; the first edit also writes
 * version 1, the words as they were (by the topic's author, when they were created), so nothing is lost.
 * Call under the topic row lock: versions are numbered without gaps.
 */
export async function keepRevision(
  tx: DbOrTx,
  at: { topicId: string; promptId: string | null; createdAt: Date; authorId: string; editorId: string },
  before: RevisionWords,
  after: RevisionWords,
) {
  const latest = await q.latestTopicRevision(tx, at.topicId, at.promptId);
  const base = { topicId: at.topicId, promptId: at.promptId };
  await q.insertTopicRevisions(tx, [
    ...(latest === 0 ? [{ ...base, version: 1, ...before, editorId: at.authorId, createdAt: at.createdAt }] : []),
    { ...base, version: Math.max(latest, 1) + 1, ...after, editorId: at.editorId },
  ]);
}

export interface TopicRevisionServiceDeps {
  db: Db;
  access: Pick<TopicAccessDeps, 'requireTopic' | 'listPrompts'>;
}

export function createTopicRevisionService({ db, access: topics }: TopicRevisionServiceDeps) {
  return {
    /**
     * Every version of the topic's words (title and text) and of its prompts', oldest first. Words never edited
     * have no rows: their current text is given as version 1, by the topic's author.
     */
    async revisions(actor: Actor | null, topicId: string): Promise<TopicRevision[]> {
      const access = await topics.requireTopic(db, actor, topicId, 'topic.readRevisions');
      const topic = await q.findTopicWords(db, topicId);
      const [rows, prompts, authorName] = await Promise.all([q.listTopicRevisions(db, topicId), topics.listPrompts(db, topicId), q.userName(db, topic.authorId)]);
      const now = new Date();
      const seesScheduled = can(access.actor, 'prompt.readScheduled', access.ctx);
      const shownPrompts = prompts.filter((p) => seesScheduled || !isScheduled(p, now));
      const shown = new Set<string | null>([null, ...shownPrompts.map((p) => p.id)]);
      const out: TopicRevision[] = rows
        .filter((r) => shown.has(r.promptId))
        .map((r) => ({
          promptId: r.promptId,
          version: r.version,
          title: r.title,
          bodyMd: r.bodyMd,
          bodyHtml: r.bodyHtml,
          editor: { id: r.editorId, displayName: r.editorName },
          createdAt: r.createdAt.toISOString(),
        }));
      const editor = { id: topic.authorId, displayName: authorName };
      const original = (promptId: string | null, title: string | null, bodyMd: string, bodyHtml: string, createdAt: Date): TopicRevision => ({
        promptId,
        version: 1,
        title,
        bodyMd,
        bodyHtml,
        editor,
        createdAt: createdAt.toISOString(),
      });
      const edited = new Set(rows.map((r) => r.promptId));
      if (!edited.has(null)) out.unshift(original(null, topic.title, topic.bodyMd, topic.bodyHtml, topic.createdAt));
      for (const p of shownPrompts) if (!edited.has(p.id)) out.push(original(p.id, null, p.bodyMd, p.bodyHtml, p.createdAt));
      return out;
    },
  };
}

export type TopicRevisionService = ReturnType<typeof createTopicRevisionService>;
