CREATE TABLE "engagement_final_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"community_id" uuid NOT NULL,
	"week_start" date NOT NULL
);
--> statement-breakpoint
CREATE INDEX "engagement_final_changes_week_idx" ON "engagement_final_changes" USING btree ("community_id","week_start");--> statement-breakpoint
-- The engagement reports keep finished ISO weeks of engagement_member_days and engagement_view_weeks in memory
-- (server/features/engagement/activity-cache.ts), weeks that ended at least two days before the request (UTC).
-- Whatever changes such a week later (a moderator removing an old post, a helpful mark on it, a rebuild) logs
-- its (community, week) here, once per statement, and the reports reread the week when its count of log rows
-- moved. Rows for today and for the current week log nothing: the hot path of posting and reading takes no
-- extra write. "Before today" is by the clock at the write, so a row written unlogged for day D was written on
-- day D or later: the cache, which holds only days two or more before its own clock's today, could miss it only
-- if the writing transaction stayed open across a whole day.
CREATE OR REPLACE FUNCTION engagement_final_changes_member_days() RETURNS trigger AS $$
DECLARE
  today date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO engagement_final_changes (community_id, week_start)
      SELECT DISTINCT community_id, date_trunc('week', day::timestamp)::date FROM new_rows WHERE day < today;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO engagement_final_changes (community_id, week_start)
      SELECT DISTINCT community_id, date_trunc('week', day::timestamp)::date FROM old_rows WHERE day < today;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_final_changes_view_weeks() RETURNS trigger AS $$
DECLARE
  today date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO engagement_final_changes (community_id, week_start)
      SELECT DISTINCT community_id, week_start FROM new_rows WHERE week_start + 6 < today;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO engagement_final_changes (community_id, week_start)
      SELECT DISTINCT community_id, week_start FROM old_rows WHERE week_start + 6 < today;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- PostgreSQL allows transition tables only on single-event triggers: three per table.
CREATE TRIGGER engagement_final_changes_member_days_ins AFTER INSERT ON engagement_member_days
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_member_days();
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_member_days_upd AFTER UPDATE ON engagement_member_days
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_member_days();
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_member_days_del AFTER DELETE ON engagement_member_days
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_member_days();
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_view_weeks_ins AFTER INSERT ON engagement_view_weeks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_view_weeks();
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_view_weeks_upd AFTER UPDATE ON engagement_view_weeks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_view_weeks();
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_view_weeks_del AFTER DELETE ON engagement_view_weeks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engagement_final_changes_view_weeks();
--> statement-breakpoint
-- The reports keep each community's member list (memberships with display names) in memory as well: a change to
-- a membership, or to the display name of a member, logs a row with week_start '-infinity' for the community.
CREATE OR REPLACE FUNCTION engagement_final_changes_membership() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO engagement_final_changes (community_id, week_start) VALUES (NEW.community_id, '-infinity');
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.community_id <> NEW.community_id) THEN
    INSERT INTO engagement_final_changes (community_id, week_start) VALUES (OLD.community_id, '-infinity');
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_membership AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION engagement_final_changes_membership();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_final_changes_display_name() RETURNS trigger AS $$
BEGIN
  INSERT INTO engagement_final_changes (community_id, week_start)
    SELECT community_id, '-infinity' FROM memberships WHERE user_id = NEW.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_final_changes_display_name AFTER UPDATE OF display_name ON users
  FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) EXECUTE FUNCTION engagement_final_changes_display_name();
