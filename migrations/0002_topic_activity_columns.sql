DROP INDEX "topics_community_activity_idx";--> statement-breakpoint
ALTER TABLE "topic_reads" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "last_activity_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "topics" SET "last_activity_at" = "created_at", "updated_at" = "created_at";--> statement-breakpoint
CREATE INDEX "topics_community_activity_idx" ON "topics" USING btree ("community_id","pinned","last_activity_at");--> statement-breakpoint
ALTER TABLE "topic_reads" DROP COLUMN "created_at";