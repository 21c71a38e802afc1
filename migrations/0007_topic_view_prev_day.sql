DROP INDEX "topic_views_community_day_idx";--> statement-breakpoint
DROP INDEX "topic_views_community_day_cover_idx";--> statement-breakpoint
ALTER TABLE "topic_views" ADD COLUMN "prev_day" date;--> statement-breakpoint
-- prev_day: the member's previous day on the same topic (null for the first), so that "distinct topics a
-- member viewed / distinct readers of a topic in d0..d1" is the count of the range's views whose
-- prev_day is null or before d0 — no sort or hash over every view. Kept here in the writing transaction.
-- The product only ever adds today's view; the relinking below serves any other writer (tests, loads).
CREATE OR REPLACE FUNCTION topic_views_prev_day_set() RETURNS trigger AS $$
BEGIN
  NEW.prev_day := (SELECT max(v.day) FROM topic_views v WHERE v.topic_id = NEW.topic_id AND v.user_id = NEW.user_id AND v.day < NEW.day);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER topic_views_prev_day_set
  BEFORE INSERT ON topic_views
  FOR EACH ROW EXECUTE FUNCTION topic_views_prev_day_set();
--> statement-breakpoint
-- Recomputes prev_day along one (topic, member) chain, writing only the rows that change.
CREATE OR REPLACE FUNCTION topic_views_prev_day_relink(t uuid, u uuid) RETURNS void AS $$
  UPDATE topic_views v SET prev_day = c.prev
    FROM (SELECT day, lag(day) OVER (ORDER BY day) AS prev FROM topic_views WHERE topic_id = t AND user_id = u) c
   WHERE v.topic_id = t AND v.user_id = u AND v.day = c.day AND v.prev_day IS DISTINCT FROM c.prev;
$$ LANGUAGE sql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION topic_views_prev_day_link() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    -- Only a view inserted before a later one of the same chain changes another row.
    IF EXISTS (SELECT 1 FROM topic_views v WHERE v.topic_id = NEW.topic_id AND v.user_id = NEW.user_id AND v.day > NEW.day) THEN
      PERFORM topic_views_prev_day_relink(NEW.topic_id, NEW.user_id);
    END IF;
  ELSE
    PERFORM topic_views_prev_day_relink(OLD.topic_id, OLD.user_id);
    IF TG_OP = 'UPDATE' THEN
      PERFORM topic_views_prev_day_relink(NEW.topic_id, NEW.user_id);
    END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- UPDATE OF the chain's columns only: the relinking's own writes to prev_day do not fire it again.
CREATE TRIGGER topic_views_prev_day_link
  AFTER INSERT OR DELETE OR UPDATE OF topic_id, user_id, day ON topic_views
  FOR EACH ROW EXECUTE FUNCTION topic_views_prev_day_link();
--> statement-breakpoint
-- Likewise the weekly view rollup needs no recomputing when only prev_day changes.
DROP TRIGGER engagement_view_weeks_sync ON topic_views;
--> statement-breakpoint
CREATE TRIGGER engagement_view_weeks_sync
  AFTER INSERT OR DELETE OR UPDATE OF community_id, user_id, day ON topic_views
  FOR EACH ROW EXECUTE FUNCTION engagement_view_weeks_on_view();
--> statement-breakpoint
-- For existing rows (below) and after loads that bypass triggers.
CREATE OR REPLACE FUNCTION topic_views_prev_day_rebuild() RETURNS void AS $$
  UPDATE topic_views v SET prev_day = c.prev
    FROM (SELECT topic_id, user_id, day, lag(day) OVER (PARTITION BY topic_id, user_id ORDER BY day) AS prev FROM topic_views) c
   WHERE v.topic_id = c.topic_id AND v.user_id = c.user_id AND v.day = c.day AND v.prev_day IS DISTINCT FROM c.prev;
$$ LANGUAGE sql;
--> statement-breakpoint
SELECT topic_views_prev_day_rebuild();
--> statement-breakpoint
CREATE INDEX "topic_views_community_day_cover_idx" ON "topic_views" USING btree ("community_id","day","user_id","topic_id","prev_day");
