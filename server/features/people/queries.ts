// SQL for member profiles and finding members by handle or name (mention autocomplete).
import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../../db/client.js';


export async function findPerson(db: DbOrTx, user: string) {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(user);
  const [row] = await selectRows<{ id: string; display_name: string; handle: string; bio: string; expertise: string }>(
    db,
    sql`select id, display_name, handle, bio, expertise from users
        where ${byId ? sql`id = ${user}::uuid` : sql`handle = ${user.toLowerCase()}`} and suspended_at is null`,
  );
  return row ?? null;
}

export async function sharedCommunities(db: DbOrTx, viewerId: string, userId: string) {
  return selectRows<{ id: string; slug: string; name: string }>(
    db,
    sql`select c.id, c.slug, c.name from communities c
        join memberships a on a.community_id = c.id and a.user_id = ${viewerId} and a.removed_at is null
        join memberships b on b.community_id = c.id and b.user_id = ${userId} and b.removed_at is null
        order by c.name`,
  );
}

/**
 * Their latest posts in the given communities that anyone there may see: published, in a published and open
 * topic, not an answer to an answer-first prompt (whose answers stay hidden until one answers).
 */
export async function recentVisiblePosts(db: DbOrTx, userId: string, communityIds: string[], limit: number) {
  if (communityIds.length === 0) return [];
  return selectRows<{ id: string; topic_id: string; topic_title: string; community_slug: string; body_html: string; created_at: string }>(
    db,
    sql`select p.id, t.id as topic_id, t.title as topic_title, c.slug as community_slug, p.body_html, p.created_at
        from posts p
        join topics t on t.id = p.topic_id
        join communities c on c.id = t.community_id
        left join prompts pr on pr.id = p.prompt_id
        where p.author_id = ${userId} and p.status = 'published' and t.community_id in ${communityIds}
          and t.moderation_status = 'published' and (t.opens_at is null or t.opens_at <= now())
          and coalesce(pr.answer_first, false) = false
        order by p.created_at desc
        limit ${limit}`,
  );
}

/** Current members whose handle or name starts with the text (handles first), for mention autocomplete. */
export async function searchMembers(db: DbOrTx, communityId: string, text: string, limit: number) {
  const prefix = `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return selectRows<{ id: string; handle: string; display_name: string }>(
    db,
    sql`select u.id, u.handle, u.display_name from memberships m join users u on u.id = m.user_id
        where m.community_id = ${communityId} and m.removed_at is null and u.suspended_at is null
          and (u.handle like ${prefix} or lower(u.display_name) like ${prefix} or lower(u.display_name) like ${`% ${prefix}`})
        order by (u.handle like ${prefix}) desc, u.handle
        limit ${limit}`,
  );
}
