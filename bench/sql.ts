// SQL for the baseline server where it cannot be captured from Stoa itself.
//
// Normally the baseline replays the exact statements that a Stoa endpoint ran (bench/capture-sql.ts).
// Until a route exists (topics, issue 3), there is nothing to capture, so these hand-written
// statements stand in: the straightforward SQL for what issue 3 describes. They are only used
// while the route answers 404; once it is merged, the captured SQL takes over automatically and the
// results say which was used ("baseline SQL: captured" or "reproduced").
//
// The post-creation baseline is always this file's bare insert: replaying captured writes would
// collide on unique keys (idempotency keys), and the issue asks for the bare insert anyway.
import type { CapturedStatement } from './capture-sql.js';

const statement = (name: string, text: string, values: unknown[]): CapturedStatement => ({ name, text, values });

/**
 * Topic list of a community, first page, with the counts the list shows (issue 3). Poster/reader counts
 * are the topics columns the server keeps on every write (as Stoa's own query reads them).
 */
export function reproducedTopicList(communityId: string, userId: string): CapturedStatement[] {
  return [
    statement(
      'topicList',
      `select t.id, t.kind, t.title, t.pinned, t.opens_at, t.closes_at, t.closed_at, t.locked_at, t.post_count, t.created_at,
         t.poster_count, t.reader_count,
         (select count(*)::int from posts p where p.topic_id = t.id and p.status = 'published'
            and p.created_at > coalesce(r.last_read_at, '-infinity'::timestamptz)) as unread_count
       from topics t left join topic_reads r on r.topic_id = t.id and r.user_id = $2
       where t.community_id = $1
       order by t.pinned desc, t.created_at desc, t.id desc
       limit 51`,
      [communityId, userId],
    ),
  ];
}

/** Topic page: the topic, its released prompts with reply counts, facilitators, my read position; records a view. */
export function reproducedTopicPage(topicId: string, userId: string, communityId: string): CapturedStatement[] {
  return [
    statement('topicPage', `select * from topics where id = $1`, [topicId]),
    statement(
      'topicPage',
      `select q.id, q.position, q.body_html, q.release_at, q.answer_first,
         (select count(*)::int from posts p where p.topic_id = q.topic_id and p.prompt_id = q.id and p.status = 'published') as reply_count
       from prompts q where q.topic_id = $1 and (q.release_at is null or q.release_at <= now()) order by q.position`,
      [topicId],
    ),
    statement('topicPage', `select u.id, u.display_name from topic_facilitators f join users u on u.id = f.user_id where f.topic_id = $1`, [topicId]),
    statement('topicPage', `select last_read_post_id, last_read_at from topic_reads where topic_id = $1 and user_id = $2`, [topicId, userId]),
    statement(
      'topicPage',
      `insert into topic_views (topic_id, user_id, day, community_id) values ($1, $2, current_date, $3) on conflict do nothing`,
      [topicId, userId, communityId],
    ),
  ];
}

/** First page of a topic's posts with authors and "helpful by me". */
export function reproducedPosts(topicId: string, userId: string, limit: number): CapturedStatement[] {
  return [
    statement(
      'posts',
      `select p.id, p.parent_id, p.prompt_id, p.author_id, u.display_name, p.body_html, p.created_at, p.edited_at, p.version,
         p.status, p.helpful_count,
         exists (select 1 from helpful_marks h where h.post_id = p.id and h.user_id = $2) as helpful_by_me
       from posts p join users u on u.id = p.author_id
       where p.topic_id = $1
       order by p.created_at, p.id
       limit $3`,
      [topicId, userId, limit + 1],
    ),
  ];
}

/**
 * The bare insert behind post creation: the post, its first revision (the data model keeps every
 * version), and the topic's counter — in one transaction, with the body pre-escaped (no rendering).
 */
export const BARE_POST_INSERT = [
  `insert into posts (community_id, topic_id, author_id, body_md, body_html)
   select community_id, id, $2, $3, $4 from topics where id = $1
   returning id, created_at`,
  `insert into post_revisions (post_id, version, body_md, body_html, editor_id) values ($1, 1, $2, $3, $4)`,
  `update topics set post_count = post_count + 1 where id = $1`,
] as const;
