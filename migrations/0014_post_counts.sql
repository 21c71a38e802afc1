-- The rule "a post counts while published, or published and later withdrawn by its author" (engagement:
-- posts, replies, helpful marks, a topic's participants) was written out in each rollup function below and
-- in the reports' SQL. It is now this one function; the functions that applied the rule are redefined to
-- call it, unchanged otherwise (latest definitions: 0006, 0009, 0012). Pending and hidden posts do not
-- count yet, removed ones count only as `removed`. A one-expression SQL function that is IMMUTABLE is
-- inlined by the planner, so `stoa_post_counts(status)` plans exactly like the IN list it replaces.
CREATE OR REPLACE FUNCTION stoa_post_counts(status text) RETURNS boolean AS $$
  SELECT status IN ('published', 'withdrawn');
$$ LANGUAGE sql IMMUTABLE PARALLEL SAFE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_post(post posts, sign int) RETURNS void AS $$
DECLARE
  counted boolean := stoa_post_counts(post.status);
  marks int := 0;
BEGIN
  IF counted THEN
    SELECT count(*)::int INTO marks FROM helpful_marks WHERE post_id = post.id;
  END IF;
  PERFORM engagement_member_days_add(post.community_id, post.author_id, (post.created_at AT TIME ZONE 'UTC')::date,
    sign * counted::int, sign * counted::int, 0, sign * (post.status = 'removed')::int, sign * marks);
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_mark(mark_post uuid, sign int) RETURNS void AS $$
DECLARE
  p posts;
BEGIN
  SELECT * INTO p FROM posts WHERE id = mark_post FOR NO KEY UPDATE;
  IF FOUND AND stoa_post_counts(p.status) THEN
    PERFORM engagement_member_days_add(p.community_id, p.author_id, (p.created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, sign);
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_rebuild() RETURNS void AS $$
  DELETE FROM engagement_member_days;
  INSERT INTO engagement_member_days (community_id, day, user_id, posts, replies, openings, removed, helpful)
  SELECT community_id, day, user_id, sum(posts), sum(replies), sum(openings), sum(removed), sum(helpful)
    FROM (
      SELECT t.community_id, (t.created_at AT TIME ZONE 'UTC')::date AS day, t.author_id AS user_id,
             (t.moderation_status = 'published')::int AS posts, 0 AS replies, (t.moderation_status = 'published')::int AS openings,
             (t.moderation_status = 'removed')::int AS removed, 0 AS helpful
        FROM topics t
       WHERE t.moderation_status IN ('published', 'removed')
      UNION ALL
      SELECT p.community_id, (p.created_at AT TIME ZONE 'UTC')::date, p.author_id,
             stoa_post_counts(p.status)::int, stoa_post_counts(p.status)::int, 0, (p.status = 'removed')::int,
             CASE WHEN stoa_post_counts(p.status) THEN coalesce(h.marks, 0) ELSE 0 END
        FROM posts p
        LEFT JOIN (SELECT post_id, count(*)::int AS marks FROM helpful_marks GROUP BY post_id) h ON h.post_id = p.id
       WHERE stoa_post_counts(p.status) OR p.status = 'removed'
    ) acts
   GROUP BY community_id, day, user_id;
$$ LANGUAGE sql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_on_post() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.topic_id IS NOT DISTINCT FROM NEW.topic_id
     AND OLD.prompt_id IS NOT DISTINCT FROM NEW.prompt_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
    RETURN NULL; -- edits, helpful counters: nothing these rollups hold
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND stoa_post_counts(OLD.status) THEN
    PERFORM engagement_topic_act(OLD.community_id, OLD.topic_id, OLD.author_id, OLD.prompt_id, OLD.created_at, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND stoa_post_counts(NEW.status) THEN
    PERFORM engagement_topic_act(NEW.community_id, NEW.topic_id, NEW.author_id, NEW.prompt_id, NEW.created_at, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_rebuild() RETURNS void AS $$
  DELETE FROM engagement_topic_weeks;
  DELETE FROM engagement_topic_poster_weeks;
  DELETE FROM engagement_topic_days;
  DELETE FROM engagement_participants;
  INSERT INTO engagement_participants (community_id, user_id, no)
    SELECT community_id, user_id, (row_number() OVER (PARTITION BY community_id ORDER BY user_id) - 1)::int
      FROM (SELECT community_id, author_id AS user_id FROM topics WHERE moderation_status = 'published'
            UNION SELECT community_id, author_id FROM posts WHERE stoa_post_counts(status)
            UNION SELECT community_id, user_id FROM topic_views) p;
  INSERT INTO engagement_topic_days (community_id, day, topic_id, prompt_id, acts)
    SELECT community_id, (at AT TIME ZONE 'UTC')::date, topic_id, prompt_id, count(*)::int
      FROM (SELECT community_id, id AS topic_id, NULL::uuid AS prompt_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT community_id, topic_id, prompt_id, created_at FROM posts WHERE stoa_post_counts(status)) a
     GROUP BY 1, 2, 3, 4;
  INSERT INTO engagement_topic_poster_weeks (topic_id, week_start, user_id, acts)
    SELECT topic_id, date_trunc('week', (at AT TIME ZONE 'UTC'))::date, user_id, count(*)::int
      FROM (SELECT id AS topic_id, author_id AS user_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT topic_id, author_id, created_at FROM posts WHERE stoa_post_counts(status)) a
     GROUP BY 1, 2, 3;
  -- A bitmap from a topic-week's sorted participant numbers: for each number, a run of zeros, then a one.
  INSERT INTO engagement_topic_weeks (topic_id, week_start, community_id, viewers, posters)
    SELECT coalesce(v.topic_id, p.topic_id), coalesce(v.week_start, p.week_start), coalesce(v.community_id, p.community_id),
           coalesce(v.bits, B''), coalesce(p.bits, B'')
      FROM (
        SELECT topic_id, week_start, community_id, string_agg(repeat('0', no - prev - 1) || '1', '' ORDER BY no)::varbit AS bits
          FROM (SELECT d.*, coalesce(lag(no) OVER (PARTITION BY topic_id, week_start ORDER BY no), -1) AS prev
                  FROM (SELECT DISTINCT v.topic_id, date_trunc('week', v.day::timestamp)::date AS week_start, v.community_id, n.no
                          FROM topic_views v JOIN engagement_participants n ON n.community_id = v.community_id AND n.user_id = v.user_id) d) s
         GROUP BY 1, 2, 3) v
      FULL JOIN (
        SELECT topic_id, week_start, community_id, string_agg(repeat('0', no - prev - 1) || '1', '' ORDER BY no)::varbit AS bits
          FROM (SELECT d.*, coalesce(lag(no) OVER (PARTITION BY topic_id, week_start ORDER BY no), -1) AS prev
                  FROM (SELECT pw.topic_id, pw.week_start, t.community_id, n.no
                          FROM engagement_topic_poster_weeks pw JOIN topics t ON t.id = pw.topic_id
                          JOIN engagement_participants n ON n.community_id = t.community_id AND n.user_id = pw.user_id) d) s
         GROUP BY 1, 2, 3) p
        ON p.topic_id = v.topic_id AND p.week_start = v.week_start
     -- Stored week by week: a period's rows then sit on few pages.
     ORDER BY 2, 1;
$$ LANGUAGE sql;
