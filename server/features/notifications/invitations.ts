// Inviting a topic's silent readers (members who read it but never posted) to join the discussion, with the
// facilitator's personal note. Each reader is invited at most once per topic, gets a notification and, unless
// they chose no mail (or have not confirmed their address), one mail. One invitation per topic a day. The
// engagement view counts how many invited readers posted afterwards.
import { sql } from 'drizzle-orm';
import { selectRows, type Db, type DbOrTx } from '../../db/client.js';
import { topicInvitations, topicInvitees } from '../../db/schema.js';
import { AppError, invalid } from '../../errors.js';
import { renderMailBody } from '../../mail/layout.js';
import { newMessageId, threadMessageId } from '../../mail/message.js';
import { enqueueMail } from '../../mail/queue.js';
import type { Actor } from '../../policy/policy.js';
import type { TopicAccessDeps } from '../../domain/deps.js';
import { notificationPath } from './present.js';
import * as q from './queries.js';

const INVITATION_INTERVAL_MS = 24 * 60 * 60_000;


export function createInvitationService({
  db,
  topics,
  publicUrl,
  mailQueued,
}: {
  db: Db;
  topics: Pick<TopicAccessDeps, 'requireTopic'>;
  publicUrl: string;
  mailQueued: () => void;
}) {
  const { requireTopic } = topics;
  return {
    /** Silent readers (or the listed members among them) who were not invited to this topic before. */
    async invite(actor: Actor | null, topicId: string, input: { userIds?: string[] | undefined; readers?: true | undefined; note: string }) {
      const access = await requireTopic(db, actor, topicId, 'topic.inviteReaders');
      if (input.note.trim() === '') throw invalid('note', 'Write a short personal note: it is what makes the invitation.', 'empty_text');
      if (!input.readers && !input.userIds?.length) throw invalid('userIds', 'Choose the readers to invite, or all silent readers (readers: true).');
      const result = await db.transaction(async (tx) => {
        // One invitation per topic a day, whoever sends it: the topic's lock serialises two at once.
        await tx.execute(sql`select 1 from topics where id = ${topicId} for update`);
        const [last] = await selectRows<{ created_at: string }>(tx, sql`select created_at from topic_invitations where topic_id = ${topicId} order by created_at desc limit 1`);
        if (last) {
          const waitMs = new Date(last.created_at).getTime() + INVITATION_INTERVAL_MS - Date.now();
          if (waitMs > 0) {
            const retryAfter = Math.ceil(waitMs / 1000);
            throw new AppError(429, 'rate_limited', 'This topic’s readers were invited less than a day ago; invite again tomorrow.', { retryAfter });
          }
        }
        const readers = await selectRows<{ user_id: string; email: string; display_name: string; email_preference: string; verified: boolean }>(
          tx,
          sql`select u.id as user_id, u.email, u.display_name, u.email_preference, u.email_verified_at is not null as verified
              from memberships m join users u on u.id = m.user_id
              where m.community_id = ${access.topic.communityId} and m.removed_at is null and u.suspended_at is null
                and exists (select 1 from topic_views v where v.topic_id = ${topicId} and v.user_id = m.user_id)
                and not exists (select 1 from posts p where p.topic_id = ${topicId} and p.author_id = m.user_id and p.status in ('published', 'withdrawn', 'pending'))
                and not exists (select 1 from topic_invitees i where i.topic_id = ${topicId} and i.user_id = m.user_id)
                and m.user_id <> ${access.actor.id}
                ${input.userIds?.length ? sql`and m.user_id in ${input.userIds}` : sql``}`,
        );
        if (readers.length === 0) return { invited: 0 };
        const [invitation] = await tx.insert(topicInvitations).values({ topicId, invitedBy: access.actor.id, note: input.note }).returning({ id: topicInvitations.id });
        await tx.insert(topicInvitees).values(readers.map((r) => ({ invitationId: invitation!.id, topicId, userId: r.user_id })));
        await q.insertNotifications(
          tx,
          readers.map((r) => ({
            userId: r.user_id,
            kind: 'invitation' as const,
            communityId: access.topic.communityId,
            topicId,
            postId: null,
            actorId: access.actor.id,
            data: { note: input.note },
            eventId: null,
            mailed: true, // the invitation's own mail below (or none, as the member chose)
          })),
        );
        await q.announce(tx, readers.map((r) => r.user_id));
        const root = threadMessageId(publicUrl, 'topic', topicId);
        const [place] = await selectRows<{ slug: string; title: string }>(
          tx,
          sql`select c.slug, t.title from topics t join communities c on c.id = t.community_id where t.id = ${topicId}`,
        );
        const link = `${publicUrl}${notificationPath(place!.slug, topicId, null)}`;
        for (const r of readers) {
          if (!r.verified || r.email_preference === 'never') continue;
          await enqueueMail(tx, {
            kind: 'invitation',
            to: r.email,
            userId: r.user_id,
            dedupeKey: `invitation:${topicId}:${r.user_id}`,
            message: {
              subject: `${access.actor.displayName} invites you to “${place!.title}”`,
              ...renderMailBody({
                paragraphs: [`Hello ${r.display_name},`, `${access.actor.displayName} writes:`, input.note, 'You have read this discussion; your experience would add to it.'],
                action: { label: 'Join the discussion', url: link },
                footer: ['You get this mail once: the facilitator invited the topic’s readers.'],
              }),
              messageId: newMessageId(publicUrl, 'invite'),
              inReplyTo: root,
              references: [root],
            },
          });
        }
        return { invited: readers.length };
      });
      if (result.invited > 0) mailQueued();
      return result;
    },

    /** Each invitation of the topic: when, by whom, the note, how many were invited and how many posted since. */
    async list(actor: Actor | null, topicId: string) {
      await requireTopic(db, actor, topicId, 'topic.inviteReaders');
      const found = await selectRows<{ id: string; created_at: string; note: string; invited_by: string; invited: number; posted_afterwards: number }>(
        db,
        sql`select i.id, i.created_at, i.note, u.display_name as invited_by,
              (select count(*)::int from topic_invitees x where x.invitation_id = i.id) as invited,
              (select count(*)::int from topic_invitees x where x.invitation_id = i.id and exists (
                 select 1 from posts p where p.topic_id = i.topic_id and p.author_id = x.user_id and p.status = 'published' and p.created_at > i.created_at)) as posted_afterwards
            from topic_invitations i join users u on u.id = i.invited_by
            where i.topic_id = ${topicId} order by i.created_at desc`,
      );
      return {
        items: found.map((i) => ({
          id: i.id,
          createdAt: new Date(i.created_at).toISOString(),
          note: i.note,
          invitedBy: i.invited_by,
          invited: Number(i.invited),
          postedAfterwards: Number(i.posted_afterwards),
        })),
      };
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
