ALTER TABLE "flags" ALTER COLUMN "post_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "topic_id" uuid;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "moderation_status" text DEFAULT 'published' NOT NULL;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "moderation_reason" text;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flags_one_open_per_member_topic" ON "flags" USING btree ("topic_id","flagger_id") WHERE resolved_at is null and topic_id is not null;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_one_target" CHECK (num_nonnulls("flags"."post_id", "flags"."topic_id") = 1);--> statement-breakpoint
-- Topics are moderated like posts (issue 11). Written by hand below: the engagement rollups of 0006 and 0009
-- count a topic's opening only while the topic is published, like a reply; a removed topic counts as
-- `removed` in engagement_member_days, like a removed reply; a held (pending) or hidden topic counts nowhere
-- until a moderator decides. The triggers stay; their functions and the rebuilds learn moderation_status.
CREATE OR REPLACE FUNCTION engagement_member_days_topic(t topics, sign int) RETURNS void AS $$
BEGIN
  PERFORM engagement_member_days_add(t.community_id, t.author_id, (t.created_at AT TIME ZONE 'UTC')::date,
    sign * (t.moderation_status = 'published')::int, 0, sign * (t.moderation_status = 'published')::int,
    sign * (t.moderation_status = 'removed')::int, 0);
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_on_topic() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id
     AND OLD.moderation_status IS NOT DISTINCT FROM NEW.moderation_status THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_member_days_topic(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM engagement_member_days_topic(NEW, 1);
  END IF;
  RETURN NULL;
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
             (p.status <> 'removed')::int, (p.status <> 'removed')::int, 0, (p.status = 'removed')::int,
             CASE WHEN p.status <> 'removed' THEN coalesce(h.marks, 0) ELSE 0 END
        FROM posts p
        LEFT JOIN (SELECT post_id, count(*)::int AS marks FROM helpful_marks GROUP BY post_id) h ON h.post_id = p.id
       WHERE p.status IN ('published', 'withdrawn', 'removed')
    ) acts
   GROUP BY community_id, day, user_id;
$$ LANGUAGE sql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_on_topic() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id
     AND OLD.moderation_status IS NOT DISTINCT FROM NEW.moderation_status THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.moderation_status = 'published' THEN
    PERFORM engagement_topic_act(OLD.community_id, OLD.id, OLD.author_id, NULL, OLD.created_at, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.moderation_status = 'published' THEN
    PERFORM engagement_topic_act(NEW.community_id, NEW.id, NEW.author_id, NULL, NEW.created_at, 1);
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
            UNION SELECT community_id, author_id FROM posts WHERE status IN ('published', 'withdrawn')
            UNION SELECT community_id, user_id FROM topic_views) p;
  INSERT INTO engagement_topic_days (community_id, day, topic_id, prompt_id, acts)
    SELECT community_id, (at AT TIME ZONE 'UTC')::date, topic_id, prompt_id, count(*)::int
      FROM (SELECT community_id, id AS topic_id, NULL::uuid AS prompt_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT community_id, topic_id, prompt_id, created_at FROM posts WHERE status IN ('published', 'withdrawn')) a
     GROUP BY 1, 2, 3, 4;
  INSERT INTO engagement_topic_poster_weeks (topic_id, week_start, user_id, acts)
    SELECT topic_id, date_trunc('week', (at AT TIME ZONE 'UTC'))::date, user_id, count(*)::int
      FROM (SELECT id AS topic_id, author_id AS user_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT topic_id, author_id, created_at FROM posts WHERE status IN ('published', 'withdrawn')) a
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
