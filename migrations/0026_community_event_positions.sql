-- Each community's newest event position, kept by the event sequencer in the statement that gives positions
-- (server/domain/event-sequencer.ts). Every page read takes it as its live cursor; `max(position)` of the
-- community's events, in a prepared statement's generic plan, was a backward walk of events_position_idx that
-- for a quiet community read every newer event of the whole database (5.7 ms at 7,000 events, growing).
CREATE TABLE IF NOT EXISTS "community_event_positions" (
	"community_id" uuid PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "community_event_positions" ADD CONSTRAINT "community_event_positions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
INSERT INTO "community_event_positions" ("community_id", "position")
  SELECT "community_id", max("position") FROM "events" WHERE "position" IS NOT NULL GROUP BY "community_id"
  ON CONFLICT ("community_id") DO NOTHING;
