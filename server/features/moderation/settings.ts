// A community's moderation settings: its watched words (domain/watched-words.ts matches them) and its
// thresholds (auto-hide after N flaggers, pre-moderation of new members' first posts). Changes are audited.
import { invalid } from '../../errors.js';
import type { Actor } from '../../policy/policy.js';
import { listWatchedWords, phraseKey, phraseMatcher } from '../../domain/watched-words.js';
import type { ModerationDeps } from './context.js';
import * as q from './queries.js';

export function createSettingsActions({ db, communities, audit }: Pick<ModerationDeps, 'db' | 'communities' | 'audit'>) {
  return {
    async getWatchedWords(actor: Actor | null, communityId: string) {
      await communities.requireCommunity(db, actor, communityId, 'settings.read');
      return { words: await listWatchedWords(db, communityId) };
    },

    async setWatchedWords(actor: Actor | null, communityId: string, words: Array<{ phrase: string; action: 'block' | 'hold' }>) {
      const seen = new Map<string, number>();
      // Each phrase is stored exactly as sent: whitespace around or inside it only matters for matching,
      // where any run of whitespace matches any other (domain/watched-words.ts).
      const cleaned = words.map((w, i) => {
        const phrase = w.phrase;
        if (!phraseMatcher(phrase)) throw invalid(`words.${i}.phrase`, 'A watched phrase needs at least one visible character.', 'empty_text');
        const key = phraseKey(phrase);
        if (seen.has(key)) {
          throw invalid(`words.${i}.phrase`, `"${phrase}" is the same phrase as entry ${seen.get(key)! + 1} (ignoring case and width).`, 'duplicate_phrase');
        }
        seen.set(key, i);
        return { phrase, action: w.action };
      });
      return db.transaction(async (tx) => {
        const { actor: me } = await communities.requireCommunity(tx, actor, communityId, 'settings.write');
        const before = await listWatchedWords(tx, communityId);
        if (JSON.stringify(before) === JSON.stringify(cleaned)) return { words: cleaned }; // unchanged: nothing to log
        await q.replaceWatchedWords(tx, communityId, cleaned);
        await audit.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'watched_words.update',
          targetType: 'community',
          targetId: communityId,
          before: { words: before },
          after: { words: cleaned },
        });
        return { words: cleaned };
      });
    },

    // ---------------- Settings ----------------

    async getSettings(actor: Actor | null, communityId: string) {
      const { community } = await communities.requireCommunity(db, actor, communityId, 'settings.read');
      return { autoHideThreshold: community.autoHideThreshold, premodNewMemberPosts: community.premodNewMemberPosts };
    },

    /** Note: lowering the threshold does not hide posts already over it; they are in the queue anyway. */
    async updateSettings(actor: Actor | null, communityId: string, patch: { autoHideThreshold?: number | undefined; premodNewMemberPosts?: number | undefined }) {
      return db.transaction(async (tx) => {
        const { actor: me } = await communities.requireCommunity(tx, actor, communityId, 'settings.write');
        const current = (await q.findSettingsForUpdate(tx, communityId))!;
        const changes: { autoHideThreshold?: number; premodNewMemberPosts?: number } = {};
        if (patch.autoHideThreshold !== undefined && patch.autoHideThreshold !== current.autoHideThreshold) changes.autoHideThreshold = patch.autoHideThreshold;
        if (patch.premodNewMemberPosts !== undefined && patch.premodNewMemberPosts !== current.premodNewMemberPosts) changes.premodNewMemberPosts = patch.premodNewMemberPosts;
        if (Object.keys(changes).length === 0) return current; // nothing changed: nothing to log
        const updated = await q.updateSettings(tx, communityId, changes);
        const before = Object.fromEntries(Object.keys(changes).map((k) => [k, current[k as keyof typeof current]]));
        await audit.insertLogEntry(tx, {
          communityId,
          actorId: me.id,
          action: 'settings.update',
          targetType: 'community',
          targetId: communityId,
          before,
          after: changes,
        });
        return updated;
      });
    },
  };
}
