// Moderation: flags and auto-hide, the review queue, reversible removal, approval, notes to authors,
// watched words, settings, suspensions and the append-only audit log. Topics are moderated the same way
// in topics/moderation.ts (a topic is content too).
//
// Every action runs in ONE transaction that (1) changes the rows, (2) appends exactly one moderation_log
// row and (3) records the live event — so nothing is half-done, and nothing is done unlogged.
//
// Live events carry a post as its author and moderators see it; the live filter re-presents it per
// subscriber with the posts feature's rule, so members get the placeholder, never removed content.
import type { ModerationDeps } from './context.js';
import { createFlagActions } from './flags.js';
import { createPostActions } from './post-actions.js';
import { createSuspensionActions } from './members.js';
import { createSettingsActions } from './settings.js';
import { createReview } from './review.js';

export type { ModerationDeps } from './context.js';

export function createModerationService(deps: ModerationDeps) {
  return {
    ...createFlagActions(deps),
    ...createPostActions(deps),
    ...createReview(deps),
    ...createSettingsActions(deps),
    ...createSuspensionActions(deps),
  };
}

export type ModerationService = ReturnType<typeof createModerationService>;
