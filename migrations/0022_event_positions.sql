-- Events get their commit order from the event sequencer after commit (server/domain/event-sequencer.ts),
-- instead of a per-community advisory lock held through every writer's commit. Events already logged
-- committed long ago: their position is their id, so cursors that clients and the notifier hold stay valid.
CREATE SEQUENCE "public"."events_position_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "position" bigint;--> statement-breakpoint
UPDATE "events" SET "position" = "id";--> statement-breakpoint
SELECT setval('"public"."events_position_seq"', (SELECT coalesce(max("id"), 0) + 1 FROM "events"), false);--> statement-breakpoint
DROP INDEX IF EXISTS "events_community_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "events_topic_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "events_position_idx" ON "events" USING btree ("position");--> statement-breakpoint
CREATE INDEX "events_community_position_idx" ON "events" USING btree ("community_id","position");--> statement-breakpoint
CREATE INDEX "events_topic_position_idx" ON "events" USING btree ("topic_id","position");--> statement-breakpoint
CREATE INDEX "events_unpositioned_idx" ON "events" USING btree ("id") WHERE "events"."position" is null;
