// A topic's prompts after it is written: their API shape, and a facilitator adding or editing one (its question,
// release time, answer-first). Each is an edit of the topic: screened like one, under the topic row lock, and
// announced as topic.updated; a new question keeps the old one as a revision (revisions.ts).
import type { Db } from '../../db/client.js';
import { conflict, invalid, notFound } from '../../errors.js';
import type { Actor } from '../../policy/policy.js';
import { LIMITS } from '../../../shared/limits.js';
import type { AddPromptBody, Prompt, UpdatePromptBody } from '../../../shared/schemas/topics.js';
import { isScheduled, type PromptRow } from '../../domain/topic-access.js';
import type { RenderDeps, ScreeningDeps, TopicAccessDeps } from '../../domain/deps.js';
import { parseTime } from './input.js';
import type { TopicModerationSteps } from './moderation.js';
import { keepRevision } from './revisions.js';
import * as q from './queries.js';

/** `withSource`: the markdown goes with it only to those who may edit it (everyone else reads the HTML). */
export function presentPrompt(p: PromptRow, info: { replyCount: number; hidden: boolean; answered: boolean; withSource: boolean }, now = new Date()): Prompt {
  return {
  id: p.id,
  position: p.position,
  bodyHtml: p.bodyHtml,
  bodyMd: info.withSource ? p.bodyMd : null,
  releaseAt: p.releaseAt ? p.releaseAt.toISOString() : null,
  scheduled: isScheduled(p, now),
  answerFirst: p.answerFirst,
  replyCount: info.hidden ? 0 : info.replyCount,
  repliesHidden: info.hidden,
  answeredByMe: info.answered,
  };
}

export interface PromptActionDeps {
  db: Db;
  access: Pick<TopicAccessDeps, 'requireTopic' | 'findTopic' | 'listPrompts'>;
  moderation: Pick<TopicModerationSteps, 'holdTopicEdit' | 'recordTopicUpdated'>;
  screening: Pick<ScreeningDeps, 'screenTopicText'>;
  render: RenderDeps;
}

/** The prompt use cases of the topics service (service.ts spreads them into it). */
export function createPromptActions({ db, access: topics, moderation, screening, render }: PromptActionDeps) {
  const { requireTopic } = topics;
  const { holdTopicEdit, recordTopicUpdated } = moderation;
  const { screenTopicText } = screening;
  const { renderField } = render;

  return {
    async addPrompt(actor: Actor | null, topicId: string, input: AddPromptBody): Promise<Prompt> {
      const { topic } = await requireTopic(db, actor, topicId, 'topic.addPrompt');
      const bodyHtml = await renderField('body', input.body, LIMITS.promptBodyMax);
      const releaseAt = parseTime('releaseAt', input.releaseAt) ?? null;
      const row = await db.transaction(async (tx) => {
        const locked = (await topics.findTopic(tx, topicId, { lock: 'update' }))!; // serialises concurrent additions: positions and the limit hold
        if (locked.moderationStatus === 'removed') throw conflict('topic_not_editable', 'A moderator removed this topic: it can no longer be edited.');
        // A new prompt is an edit of the topic: screened like one (block → 422; hold → back to review).
        const hold = await screenTopicText(tx, topic.communityId, [{ field: 'body', text: input.body }]);
        if (hold) await holdTopicEdit(tx, locked, hold);
        const existing = await topics.listPrompts(tx, topicId);
        if (existing.length >= LIMITS.promptsMax) {
          throw conflict('too_many_prompts', `A topic has at most ${LIMITS.promptsMax} prompts.`);
        }
        const position = Math.max(0, ...existing.map((p) => p.position)) + 1;
        const [inserted] = await q.insertPrompts(tx, [{ topicId, position, bodyMd: input.body, bodyHtml, releaseAt, answerFirst: input.answerFirst ?? false }]);
        await q.updateTopic(tx, topicId, {});
        await recordTopicUpdated(tx, topic.communityId, topicId);
        return inserted!;
      });
      return presentPrompt(row, { replyCount: 0, hidden: false, answered: false, withSource: true });
    },

    /** Edits a prompt (its question, release time, answer-first); a new question keeps the old one as a revision. */
    async editPrompt(actor: Actor | null, topicId: string, promptId: string, input: UpdatePromptBody): Promise<Prompt> {
      const fields = (['body', 'releaseAt', 'answerFirst'] as const).filter((f) => input[f] !== undefined);
      if (fields.length === 0) throw invalid('body', 'Nothing to change.', 'empty_update');
      const access = await requireTopic(db, actor, topicId, 'topic.editPrompt');
      const { topic } = access;
      if (input.body !== undefined && !input.body.trim()) throw invalid('body', 'The prompt is empty.', 'empty_text');
      const bodyHtml = input.body !== undefined ? await renderField('body', input.body, LIMITS.promptBodyMax) : undefined;
      const releaseAt = input.releaseAt !== undefined ? (parseTime('releaseAt', input.releaseAt) ?? null) : undefined;
      const row = await db.transaction(async (tx) => {
        const locked = (await topics.findTopic(tx, topicId, { lock: 'update' }))!;
        if (locked.moderationStatus === 'removed') throw conflict('topic_not_editable', 'A moderator removed this topic: it can no longer be edited.');
        const prompt = (await topics.listPrompts(tx, topicId)).find((p) => p.id === promptId);
        if (!prompt) throw notFound('Prompt');
        if (input.body !== undefined && input.body !== prompt.bodyMd) {
          // Screened like any edit of the topic (block → 422; hold → back to review).
          const hold = await screenTopicText(tx, topic.communityId, [{ field: 'body', text: input.body }]);
          if (hold) await holdTopicEdit(tx, locked, hold);
          await keepRevision(tx, { topicId, promptId, createdAt: prompt.createdAt, authorId: locked.authorId, editorId: access.actor.id },
            { title: null, bodyMd: prompt.bodyMd, bodyHtml: prompt.bodyHtml },
            { title: null, bodyMd: input.body, bodyHtml: bodyHtml! });
        }
        const updated = await q.updatePrompt(tx, promptId, {
          ...(input.body !== undefined ? { bodyMd: input.body, bodyHtml: bodyHtml! } : {}),
          ...(releaseAt !== undefined ? { releaseAt } : {}),
          ...(input.answerFirst !== undefined ? { answerFirst: input.answerFirst } : {}),
        });
        await q.updateTopic(tx, topicId, {});
        await recordTopicUpdated(tx, topic.communityId, topicId);
        return updated;
      });
      const counts = await q.promptReplyCounts(db, topicId);
      return presentPrompt(row, { replyCount: counts.get(promptId) ?? 0, hidden: false, answered: false, withSource: true });
    },
  };
}
