CREATE TABLE "engagement_member_days" (
	"community_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" uuid NOT NULL,
	"posts" integer DEFAULT 0 NOT NULL,
	"replies" integer DEFAULT 0 NOT NULL,
	"openings" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"helpful" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "engagement_member_days_community_id_day_user_id_pk" PRIMARY KEY("community_id","day","user_id")
);
--> statement-breakpoint
CREATE INDEX "engagement_member_days_member_idx" ON "engagement_member_days" USING btree ("community_id","user_id","day");--> statement-breakpoint
CREATE INDEX "engagement_view_weeks_cover_idx" ON "engagement_view_weeks" USING btree ("community_id","week_start","user_id","days");--> statement-breakpoint
-- engagement_member_days is derived from topics, posts and helpful_marks; these keep it exact in the
-- writing transaction. A post counts (posts, replies, helpful marks) while published or withdrawn by its
-- author, and as `removed` while removed by a moderator; pending and hidden posts do not count yet.
-- Adds a delta to one member-day; a row that falls back to all zeros is deleted.
CREATE OR REPLACE FUNCTION engagement_member_days_add(c uuid, u uuid, d date, p int, r int, o int, rm int, h int) RETURNS void AS $$
BEGIN
  IF p = 0 AND r = 0 AND o = 0 AND rm = 0 AND h = 0 THEN
    RETURN;
  END IF;
  INSERT INTO engagement_member_days AS e (community_id, day, user_id, posts, replies, openings, removed, helpful)
  VALUES (c, d, u, p, r, o, rm, h)
  ON CONFLICT (community_id, day, user_id) DO UPDATE SET
    posts = e.posts + EXCLUDED.posts, replies = e.replies + EXCLUDED.replies, openings = e.openings + EXCLUDED.openings,
    removed = e.removed + EXCLUDED.removed, helpful = e.helpful + EXCLUDED.helpful;
  IF p < 0 OR r < 0 OR o < 0 OR rm < 0 OR h < 0 THEN
    DELETE FROM engagement_member_days
     WHERE community_id = c AND day = d AND user_id = u
       AND posts = 0 AND replies = 0 AND openings = 0 AND removed = 0 AND helpful = 0;
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- A post's contribution: sign = 1 to add it, -1 to take it away.
CREATE OR REPLACE FUNCTION engagement_member_days_post(post posts, sign int) RETURNS void AS $$
DECLARE
  counted boolean := post.status IN ('published', 'withdrawn');
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
CREATE OR REPLACE FUNCTION engagement_member_days_on_post() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
    RETURN NULL; -- edits, helpful counters, read positions: nothing the rollup holds
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_member_days_post(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM engagement_member_days_post(NEW, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_post_sync
  AFTER INSERT OR UPDATE OR DELETE ON posts
  FOR EACH ROW EXECUTE FUNCTION engagement_member_days_on_post();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_on_topic() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_member_days_add(OLD.community_id, OLD.author_id, (OLD.created_at AT TIME ZONE 'UTC')::date, -1, 0, -1, 0, 0);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM engagement_member_days_add(NEW.community_id, NEW.author_id, (NEW.created_at AT TIME ZONE 'UTC')::date, 1, 0, 1, 0, 0);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_topic_sync
  AFTER INSERT OR UPDATE OR DELETE ON topics
  FOR EACH ROW EXECUTE FUNCTION engagement_member_days_on_topic();
--> statement-breakpoint
-- Locks the post row first: a moderator changing the post's status at the same moment then either waits
-- for the mark (and counts it) or goes first (and the mark sees the new status) — and both take the post
-- before the member-day row, so they cannot deadlock.
CREATE OR REPLACE FUNCTION engagement_member_days_mark(mark_post uuid, sign int) RETURNS void AS $$
DECLARE
  p posts;
BEGIN
  SELECT * INTO p FROM posts WHERE id = mark_post FOR NO KEY UPDATE;
  IF FOUND AND p.status IN ('published', 'withdrawn') THEN
    PERFORM engagement_member_days_add(p.community_id, p.author_id, (p.created_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 0, sign);
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_member_days_on_mark() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.post_id = NEW.post_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_member_days_mark(OLD.post_id, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM engagement_member_days_mark(NEW.post_id, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_mark_sync
  AFTER INSERT OR UPDATE OR DELETE ON helpful_marks
  FOR EACH ROW EXECUTE FUNCTION engagement_member_days_on_mark();
--> statement-breakpoint
-- Rebuilds the rollup from its sources: for existing data (below) and after bulk loads that bypass
-- triggers (bench/generate.ts loads with session_replication_role = replica).
CREATE OR REPLACE FUNCTION engagement_member_days_rebuild() RETURNS void AS $$
  DELETE FROM engagement_member_days;
  INSERT INTO engagement_member_days (community_id, day, user_id, posts, replies, openings, removed, helpful)
  SELECT community_id, day, user_id, sum(posts), sum(replies), sum(openings), sum(removed), sum(helpful)
    FROM (
      SELECT t.community_id, (t.created_at AT TIME ZONE 'UTC')::date AS day, t.author_id AS user_id,
             1 AS posts, 0 AS replies, 1 AS openings, 0 AS removed, 0 AS helpful
        FROM topics t
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
CREATE OR REPLACE FUNCTION engagement_member_days_on_truncate() RETURNS trigger AS $$
BEGIN
  PERFORM engagement_member_days_rebuild();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_truncate_posts AFTER TRUNCATE ON posts FOR EACH STATEMENT EXECUTE FUNCTION engagement_member_days_on_truncate();
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_truncate_topics AFTER TRUNCATE ON topics FOR EACH STATEMENT EXECUTE FUNCTION engagement_member_days_on_truncate();
--> statement-breakpoint
CREATE TRIGGER engagement_member_days_truncate_marks AFTER TRUNCATE ON helpful_marks FOR EACH STATEMENT EXECUTE FUNCTION engagement_member_days_on_truncate();
--> statement-breakpoint
SELECT engagement_member_days_rebuild();
