CREATE TABLE "engagement_view_weeks" (
	"community_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"user_id" uuid NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "engagement_view_weeks_community_id_week_start_user_id_pk" PRIMARY KEY("community_id","week_start","user_id")
);
--> statement-breakpoint
CREATE INDEX "engagement_view_weeks_member_idx" ON "engagement_view_weeks" USING btree ("community_id","user_id","week_start");--> statement-breakpoint
CREATE INDEX "posts_community_created_cover_idx" ON "posts" USING btree ("community_id","created_at","status","author_id","topic_id","prompt_id","id");--> statement-breakpoint
CREATE INDEX "topic_views_community_day_cover_idx" ON "topic_views" USING btree ("community_id","day","user_id","topic_id");--> statement-breakpoint
-- engagement_view_weeks is derived from topic_views; these keep it exact in the writing transaction.
-- The bit of a day: 1 << (ISO day of week - 1), Monday = 1 … Sunday = 64.
CREATE OR REPLACE FUNCTION engagement_view_weeks_recompute(c uuid, u uuid, w date) RETURNS void AS $$
  DELETE FROM engagement_view_weeks WHERE community_id = c AND week_start = w AND user_id = u;
  INSERT INTO engagement_view_weeks (community_id, week_start, user_id, days)
  SELECT c, w, u, bit_or(1 << (extract(isodow from v.day)::int - 1))
    FROM topic_views v
   WHERE v.community_id = c AND v.user_id = u AND v.day >= w AND v.day < w + 7
  HAVING count(*) > 0;
$$ LANGUAGE sql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_view_weeks_on_view() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_view_weeks_recompute(OLD.community_id, OLD.user_id, date_trunc('week', OLD.day::timestamp)::date);
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO engagement_view_weeks (community_id, week_start, user_id, days)
    VALUES (NEW.community_id, date_trunc('week', NEW.day::timestamp)::date, NEW.user_id, 1 << (extract(isodow from NEW.day)::int - 1))
    ON CONFLICT (community_id, week_start, user_id)
      DO UPDATE SET days = engagement_view_weeks.days | EXCLUDED.days
      WHERE engagement_view_weeks.days & EXCLUDED.days = 0;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM engagement_view_weeks_recompute(NEW.community_id, NEW.user_id, date_trunc('week', NEW.day::timestamp)::date);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_view_weeks_sync
  AFTER INSERT OR UPDATE OR DELETE ON topic_views
  FOR EACH ROW EXECUTE FUNCTION engagement_view_weeks_on_view();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_view_weeks_on_truncate() RETURNS trigger AS $$
BEGIN
  DELETE FROM engagement_view_weeks;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_view_weeks_truncate
  AFTER TRUNCATE ON topic_views
  FOR EACH STATEMENT EXECUTE FUNCTION engagement_view_weeks_on_truncate();
--> statement-breakpoint
-- Rebuilds the rollup from topic_views: for existing data (below) and after bulk loads that bypass
-- triggers (bench/generate.ts loads with session_replication_role = replica).
CREATE OR REPLACE FUNCTION engagement_view_weeks_rebuild() RETURNS void AS $$
  DELETE FROM engagement_view_weeks;
  INSERT INTO engagement_view_weeks (community_id, week_start, user_id, days)
  SELECT community_id, date_trunc('week', day::timestamp)::date, user_id, bit_or(1 << (extract(isodow from day)::int - 1))
    FROM topic_views
   GROUP BY 1, 2, 3;
$$ LANGUAGE sql;
--> statement-breakpoint
SELECT engagement_view_weeks_rebuild();
