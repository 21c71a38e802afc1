// The post-creation baseline's SQL. Read endpoints' baselines replay the SQL captured from Stoa itself
// (bench/capture-sql.ts); writes cannot be replayed (they would collide on unique keys such as
// idempotency keys), and the issue asks for the bare insert anyway.

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

/**
 * Issue 15's read baselines, each one query: a bare route returning them shows what the page's data costs when
 * read the most direct way, independent of Stoa's own statements (no session, membership, viewer state or schema).
 */
export const BARE_READS = {
  /** One topic row with its prompts. */
  topicPage: `select t.id, t.community_id, t.kind, t.title, t.author_id, t.body_html, t.article_url, t.opens_at, t.closes_at,
      t.locked_at, t.closed_at, t.pinned, t.post_count, t.poster_count, t.reader_count, t.last_activity_at, t.created_at,
      coalesce((select json_agg(json_build_object('id', p.id, 'position', p.position, 'bodyHtml', p.body_html,
                  'releaseAt', p.release_at, 'answerFirst', p.answer_first) order by p.position)
                from prompts p where p.topic_id = t.id), '[]') as prompts
    from topics t where t.id = $1`,
  /** The topic's first 50 posts in thread order, joined to their authors. */
  topicPosts: `select p.id, p.parent_id, p.prompt_id, p.depth, p.body_html, p.status, p.version, p.helpful_count, p.created_at,
      p.edited_at, u.id as author_id, u.display_name, u.handle
    from posts p join users u on u.id = p.author_id
    where p.topic_id = $1 order by p.created_at, p.id limit 50`,
  /** The community's first 30 topics in list order (pinned, then latest activity), joined to their authors. */
  topicList: `select t.id, t.kind, t.title, t.pinned, t.post_count, t.poster_count, t.reader_count, t.last_activity_at, t.opens_at,
      t.closes_at, t.closed_at, t.locked_at, t.created_at, u.id as author_id, u.display_name
    from topics t join users u on u.id = t.author_id
    where t.community_id = $1 and t.moderation_status = 'published'
    order by t.pinned desc, t.last_activity_at desc, t.id desc limit 30`,
} as const;
