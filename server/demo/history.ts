// The demo is seeded through the services in a second, so everything would carry today's date. A community
// of practice lives over months: spread the demo's activity over the past weeks so the topic list, the
// unread counts and the engagement dashboard (weekly series, trajectories) look like a real community.
// Demo data only; topics with a schedule (opensAt) keep their dates.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';

const TOPIC_SPACING_DAYS = 9;
const REPLY_SPACING_HOURS = 7;

export async function spreadDemoHistory(db: Db, communityId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = (await tx.execute(
      sql`select id from topics where community_id = ${communityId} and opens_at is null order by created_at, id`,
    )) as unknown as { rows: Array<{ id: string }> };
    for (const [index, { id }] of rows.entries()) {
      const daysAgo = (rows.length - index) * TOPIC_SPACING_DAYS;
      await tx.execute(sql`update topics set created_at = now() - make_interval(days => ${daysAgo}) where id = ${id}`);
      await tx.execute(sql`update prompts set created_at = t.created_at from topics t where t.id = ${id} and prompts.topic_id = t.id`);
      // Replies follow the opening every few hours, in their original order.
      await tx.execute(sql`update posts p set created_at = t.created_at + o.rn * make_interval(hours => ${REPLY_SPACING_HOURS})
        from (select id, row_number() over (order by created_at, id) as rn from posts where topic_id = ${id}) o, topics t
        where p.id = o.id and t.id = ${id}`);
      await tx.execute(sql`update post_revisions r set created_at = p.created_at from posts p where p.id = r.post_id and p.topic_id = ${id}`);
      await tx.execute(sql`update helpful_marks h set created_at = p.created_at + interval '1 hour' from posts p where p.id = h.post_id and p.topic_id = ${id}`);
      await tx.execute(sql`update topics t set
          last_activity_at = coalesce((select max(p.created_at) from posts p where p.topic_id = t.id), t.created_at),
          updated_at = t.created_at
        where t.id = ${id}`);
      await tx.execute(sql`update topic_reads r set last_read_at = p.created_at, updated_at = p.created_at
        from posts p where p.id = r.last_read_post_id and r.topic_id = ${id}`);
      // Each member opened the topic on one day within a few days of its opening (one view row each in the demo).
      await tx.execute(sql`update topic_views v set day = least(current_date, (t.created_at + (abs(hashtext(v.user_id::text)) % 5) * interval '1 day')::date)
        from topics t where t.id = v.topic_id and v.topic_id = ${id}`);
    }
    await tx.execute(sql`update memberships set joined_at = now() - interval '120 days' where community_id = ${communityId}`);
  });
}
