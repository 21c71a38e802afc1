// SQL of notification mail: what is due for immediate mail and for digests, and marking it mailed (mailer.ts).
import { inArray, sql, type SQL } from 'drizzle-orm';
import { selectRows, type DbOrTx } from '../../db/client.js';
import { notifications } from '../../db/schema.js';
import { stillVisible, type NotificationRow } from './queries.js';

export interface MailableNotification extends NotificationRow {
  user_id: string;
  email: string;
  display_name: string;
}

/**
 * Unread, unmailed notifications of members who chose immediate mail and confirmed their address, for the
 * (member, topic) groups whose first such notification is at least `settleMs` old: what arrives for one topic
 * within that time goes in one mail. Still-visible ones only (as in the list).
 */
export async function dueImmediate(db: DbOrTx, settleMs: number, limit: number) {
  return selectRows<MailableNotification>(
    db,
    sql`with due as (
          select n.user_id, n.topic_id from notifications n
          join users u on u.id = n.user_id
          where n.mailed_at is null and n.read_at is null and u.email_preference = 'immediate' and u.email_verified_at is not null
          group by n.user_id, n.topic_id
          having min(n.created_at) <= now() - ${settleMs}::bigint * interval '1 millisecond'
          limit ${limit})
        ${mailableSelect(sql`join due on due.user_id = n.user_id and due.topic_id is not distinct from n.topic_id`, sql`true`)}`,
  );
}

/** A member's unmailed notifications since `since`, still visible, for a digest. */
export async function digestItems(db: DbOrTx, userId: string, since: Date) {
  return selectRows<MailableNotification>(db, mailableSelect(sql``, sql`n.user_id = ${userId} and n.created_at > ${since.toISOString()}::timestamptz`));
}

function mailableSelect(join: SQL, where: SQL) {
  return sql`select n.id::float8 as id, n.user_id, u.email, u.display_name, n.kind, n.community_id, c.slug as community_slug,
      c.name as community_name, n.topic_id, t.title as topic_title, n.post_id, n.actor_id, a.display_name as actor_name,
      a.handle as actor_handle, n.data, n.created_at, n.updated_at, n.read_at
    from notifications n
    ${join}
    join users u on u.id = n.user_id
    join communities c on c.id = n.community_id
    join memberships m on m.community_id = n.community_id and m.user_id = n.user_id and m.removed_at is null
    left join topics t on t.id = n.topic_id
    left join posts p on p.id = n.post_id
    left join users a on a.id = n.actor_id
    where n.mailed_at is null and n.read_at is null and ${where}
      and ${stillVisible}
    order by n.user_id, n.topic_id, n.id`;
}

export async function markMailed(db: DbOrTx, ids: number[]) {
  if (ids.length === 0) return;
  await db.update(notifications).set({ mailedAt: sql`now()` }).where(inArray(notifications.id, ids));
}

/** Members due a digest: confirmed address, that preference, and no digest of that kind since `periodStart`. */
export async function dueDigests(db: DbOrTx, preference: 'daily' | 'weekly', periodStart: Date, limit: number) {
  return selectRows<{ id: string; email: string; display_name: string }>(
    db,
    sql`select u.id, u.email, u.display_name from users u
        where u.email_preference = ${preference} and u.email_verified_at is not null and u.suspended_at is null
          and not exists (select 1 from mail_jobs j where j.dedupe_key = ${`digest:${preference}:`} || u.id::text || ':' || ${periodStart.toISOString().slice(0, 10)})
          and exists (select 1 from notifications n where n.user_id = u.id and n.mailed_at is null and n.read_at is null)
        limit ${limit}`,
  );
}


/** The most helpful posts of a period in the member's communities that anyone there may see (answer-first prompts left out). */
export async function mostHelpful(db: DbOrTx, userId: string, since: Date, limit: number) {
  return selectRows<{ post_id: string; topic_id: string; topic_title: string; community_slug: string; author_name: string; helpful_count: number }>(
    db,
    sql`select p.id as post_id, t.id as topic_id, t.title as topic_title, c.slug as community_slug, a.display_name as author_name, p.helpful_count
        from posts p
        join topics t on t.id = p.topic_id
        join communities c on c.id = t.community_id
        join memberships m on m.community_id = c.id and m.user_id = ${userId} and m.removed_at is null
        join users a on a.id = p.author_id
        left join prompts pr on pr.id = p.prompt_id
        where p.status = 'published' and p.helpful_count > 0 and p.created_at > ${since.toISOString()}::timestamptz
          and t.moderation_status = 'published' and (t.opens_at is null or t.opens_at <= now())
          and coalesce(pr.answer_first, false) = false and a.suspended_at is null
        order by p.helpful_count desc, p.created_at desc
        limit ${limit}`,
  );
}
