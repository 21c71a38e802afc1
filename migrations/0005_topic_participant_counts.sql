ALTER TABLE "topics" ADD COLUMN "poster_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "reader_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: from here on adjustCountsForStatusChange and recordView keep both counters exact.
UPDATE "topics" t SET
  "poster_count" = coalesce(pc.n, 0),
  "reader_count" = coalesce(rc.n, 0)
FROM "topics" t2
  LEFT JOIN (SELECT p.topic_id, count(DISTINCT p.author_id)::int AS n FROM "posts" p WHERE p.status = 'published' GROUP BY p.topic_id) pc ON pc.topic_id = t2.id
  LEFT JOIN (
    SELECT v.topic_id, count(DISTINCT v.user_id)::int AS n FROM "topic_views" v
    WHERE NOT EXISTS (SELECT 1 FROM "posts" p WHERE p.topic_id = v.topic_id AND p.author_id = v.user_id AND p.status = 'published')
    GROUP BY v.topic_id
  ) rc ON rc.topic_id = t2.id
WHERE t.id = t2.id;
