// Members as people: a profile (seen only by those who share a community with them) and finding members of a
// community by handle or name (the composer's @ autocomplete).
import type { Db } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { authorize, type Actor } from '../../policy/policy.js';
import type { CommunityAccessDeps } from '../../domain/deps.js';
import * as q from './queries.js';

export function createPeopleService({ db, communities }: { db: Db; communities: Pick<CommunityAccessDeps, 'requireCommunity'> }) {
  const { requireCommunity } = communities;
  return {
    /** 404 unless the viewer shares a community with them (or it is the viewer, or an admin). */
    async profile(actor: Actor | null, user: string) {
      const me = authorize(actor, 'profile.read');
      const person = await q.findPerson(db, user);
      if (!person) throw notFound('Member');
      const shared = await q.sharedCommunities(db, me.id, person.id);
      if (shared.length === 0 && person.id !== me.id && !me.isAdmin) throw notFound('Member');
      const posts = await q.recentVisiblePosts(db, person.id, shared.map((c) => c.id), 10);
      return {
        id: person.id,
        displayName: person.display_name,
        handle: person.handle,
        bio: person.bio,
        expertise: person.expertise,
        sharedCommunities: shared,
        recentPosts: posts.map((p) => ({
          id: p.id,
          topicId: p.topic_id,
          topicTitle: p.topic_title,
          communitySlug: p.community_slug,
          bodyHtml: p.body_html,
          createdAt: new Date(p.created_at).toISOString(),
        })),
      };
    },

    async searchMembers(actor: Actor | null, communityId: string, text: string) {
      await requireCommunity(db, actor, communityId, 'members.search');
      const trimmed = text.trim().replace(/^@/, '');
      if (trimmed === '') return { items: [] };
      const found = await q.searchMembers(db, communityId, trimmed, 8);
      return { items: found.map((m) => ({ id: m.id, handle: m.handle, displayName: m.display_name })) };
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
