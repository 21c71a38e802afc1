// A community's moderation settings: its watched words (domain/watched-words.ts matches them) and its
// thresholds (auto-hide after N flaggers, pre-moderation of new members' first posts). Changes are audited.
import { invalid } from '../../errors.js';
import type { Actor } from '../../policy/policy.js';
import { listWatchedWords, phraseKey, phraseMatcher } from '../../domain/watched-words.js';
import { changeSearchLanguage, searchLanguages } from '../../domain/search-index.js';
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
      await communities.requireCommunity(db, actor, communityId, 'settings.read');
      return { ...(await q.findSettings(db, communityId))!, searchLanguages: await searchLanguages(db) };
    },

    /**
     * Note: lowering the threshold does not hide posts already over it; they are in the queue anyway.
     * A new search language re-stems the community's texts in the same transaction.
     */
    async updateSettings(
      actor: Actor | null,
      communityId: string,
      patch: { autoHideThreshold?: number | undefined; premodNewMemberPosts?: number | undefined; searchLanguage?: string | undefined },
    ) {
      const languages = await searchLanguages(db);
      if (patch.searchLanguage !== undefined && !languages.includes(patch.searchLanguage)) {
        throw invalid('searchLanguage', `"${patch.searchLanguage}" is not a search language here: choose one of ${languages.join(', ')}.`, 'unknown_language');
      }
      return db.transaction(async (tx) => {
        const { actor: me } = await communities.requireCommunity(tx, actor, communityId, 'settings.write');
        const current = (await q.findSettingsForUpdate(tx, communityId))!;
        const changes: { autoHideThreshold?: number; premodNewMemberPosts?: number; searchLanguage?: string } = {};
        if (patch.autoHideThreshold !== undefined && patch.autoHideThreshold !== current.autoHideThreshold) changes.autoHideThreshold = patch.autoHideThreshold;
        if (patch.premodNewMemberPosts !== undefined && patch.premodNewMemberPosts !== current.premodNewMemberPosts) changes.premodNewMemberPosts = patch.premodNewMemberPosts;
        if (patch.searchLanguage !== undefined && patch.searchLanguage !== current.searchLanguage) changes.searchLanguage = patch.searchLanguage;
        if (Object.keys(changes).length === 0) return { ...current, searchLanguages: languages }; // nothing changed: nothing to log
        const { searchLanguage, ...thresholds } = changes;
        if (Object.keys(thresholds).length > 0) await q.updateSettings(tx, communityId, thresholds);
        if (searchLanguage !== undefined) await changeSearchLanguage(tx, communityId, searchLanguage);
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
        return { ...(await q.findSettings(tx, communityId))!, searchLanguages: languages };
      });
    },
  };
}
