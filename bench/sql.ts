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
