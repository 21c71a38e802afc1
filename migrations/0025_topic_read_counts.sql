-- A reader's unread count without counting what they already read: topic_reads.read_count is the number of the
-- topic's PUBLISHED posts (any author, any prompt) created at or before the reader's last_read_at, so
--   published posts after the read position = topics.post_count - read_count
-- and the list subtracts only the viewer's own posts after it and the replies hidden from them
-- (server/features/topics/queries.ts). Kept exact in two places, under one per-topic lock:
-- - a read position written (trigger below) counts the published posts it moves over;
-- - a post entering or leaving "published" (stoa_count_topic_post, the one path for every status change) moves
--   the count of every reader whose position is at or after the post.
-- Why a lock: a post being published may be older (created_at, its transaction's start) than a post already
-- committed and read; a read position moved past it while it is uncommitted would not count it, and its
-- UPDATE of topic_reads would not see the new position. The post's writer holds the topic's advisory lock
-- exclusively from before that UPDATE to its commit; a position's writer holds it shared from before it touches
-- its row (BEFORE INSERT, which an upsert fires before it locks the row) to its commit. Lock order: topic row,
-- topic-read lock, topic_reads rows (writers); topic-read lock, topic_reads row (readers): no cycle.
ALTER TABLE "topic_reads" ADD COLUMN "read_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- "Readers at or after this post": the writer's probe, normally empty for a new post.
CREATE INDEX IF NOT EXISTS "topic_reads_topic_position_idx" ON "topic_reads" USING btree ("topic_id","last_read_at");--> statement-breakpoint
CREATE OR REPLACE FUNCTION stoa_topic_read_lock_key(p_topic uuid) RETURNS int AS $$
  SELECT hashtext(p_topic::text)
$$ LANGUAGE sql IMMUTABLE;--> statement-breakpoint
-- Recounts every read position of one topic (or of all): the backfill, and after posts change their created_at
-- (the demo's history). Set-based: posts and positions sorted together per topic, a position counts the
-- published posts before it (a post at the same instant first: created_at <= last_read_at).
CREATE OR REPLACE FUNCTION stoa_recount_topic_reads(p_topic uuid DEFAULT NULL) RETURNS void AS $$
BEGIN
  UPDATE topic_reads r SET read_count = c.n
  FROM (
    SELECT e.topic_id, e.user_id, e.n FROM (
      SELECT x.topic_id, x.user_id, x.kind,
             (count(*) FILTER (WHERE x.kind = 0) OVER (PARTITION BY x.topic_id ORDER BY x.at, x.kind ROWS UNBOUNDED PRECEDING))::int AS n
      FROM (
        SELECT p.topic_id, NULL::uuid AS user_id, p.created_at AS at, 0 AS kind FROM posts p
          WHERE p.status = 'published' AND (p_topic IS NULL OR p.topic_id = p_topic)
        UNION ALL
        SELECT q.topic_id, q.user_id, q.last_read_at, 1 FROM topic_reads q WHERE p_topic IS NULL OR q.topic_id = p_topic
      ) x
    ) e WHERE e.kind = 1
  ) c
  WHERE r.topic_id = c.topic_id AND r.user_id = c.user_id AND r.read_count IS DISTINCT FROM c.n;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
-- A read position written: count the published posts up to it. A forward move adds the posts it passes (what
-- the member just read); anything else counts from the start.
CREATE OR REPLACE FUNCTION stoa_topic_read_count() RETURNS trigger AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1398035012, stoa_topic_read_lock_key(NEW.topic_id));
  IF TG_OP = 'INSERT' THEN
    -- An upsert of an existing position fires this first and then updates: the UPDATE trigger counts.
    IF EXISTS (SELECT 1 FROM topic_reads r WHERE r.user_id = NEW.user_id AND r.topic_id = NEW.topic_id) THEN
      RETURN NEW;
    END IF;
  ELSIF NEW.topic_id = OLD.topic_id AND NEW.last_read_at >= OLD.last_read_at THEN
    NEW.read_count := OLD.read_count + (SELECT count(*) FROM posts p WHERE p.topic_id = NEW.topic_id AND p.status = 'published'
                                         AND p.created_at > OLD.last_read_at AND p.created_at <= NEW.last_read_at);
    RETURN NEW;
  END IF;
  NEW.read_count := (SELECT count(*) FROM posts p WHERE p.topic_id = NEW.topic_id AND p.status = 'published' AND p.created_at <= NEW.last_read_at);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
DROP TRIGGER IF EXISTS topic_reads_count ON topic_reads;--> statement-breakpoint
CREATE TRIGGER topic_reads_count BEFORE INSERT OR UPDATE OF last_read_at, topic_id ON topic_reads
  FOR EACH ROW EXECUTE FUNCTION stoa_topic_read_count();--> statement-breakpoint
-- 0023's function, and: a post entering or leaving "published" moves the read count of every position at or
-- after it, under the topic's read lock (exclusive), taken after the topic row's lock.
CREATE OR REPLACE FUNCTION stoa_count_topic_post(p_topic uuid, p_author uuid, p_post uuid, p_delta int, p_touch boolean)
RETURNS TABLE (topic_moderation_status text, topic_opens_at timestamptz, topic_closes_at timestamptz, topic_closed_at timestamptz, topic_locked_at timestamptz)
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT t.moderation_status, t.opens_at, t.closes_at, t.closed_at, t.locked_at
    FROM topics t WHERE t.id = p_topic FOR NO KEY UPDATE;
  IF p_delta <> 0 THEN
    UPDATE topics t SET
      post_count = greatest(t.post_count + p_delta, 0),
      -- +1 when the author becomes a poster, -1 when they stop being one; 0 while another post counts them.
      poster_count = t.poster_count + (CASE WHEN EXISTS (SELECT 1 FROM posts p WHERE p.topic_id = p_topic AND p.author_id = p_author
                                                        AND p.status = 'published' AND p.id <> p_post) THEN 0 ELSE p_delta END),
      -- A viewer who becomes a poster stops being a reader, and the other way round.
      reader_count = t.reader_count - (CASE WHEN NOT EXISTS (SELECT 1 FROM posts p WHERE p.topic_id = p_topic AND p.author_id = p_author
                                                             AND p.status = 'published' AND p.id <> p_post)
                                             AND EXISTS (SELECT 1 FROM topic_views v WHERE v.topic_id = p_topic AND v.user_id = p_author)
                                            THEN p_delta ELSE 0 END),
      last_activity_at = CASE WHEN p_touch THEN now() ELSE t.last_activity_at END
    WHERE t.id = p_topic;
    PERFORM pg_advisory_xact_lock(1398035012, stoa_topic_read_lock_key(p_topic));
    UPDATE topic_reads r SET read_count = r.read_count + p_delta
      WHERE r.topic_id = p_topic AND r.last_read_at >= (SELECT p.created_at FROM posts p WHERE p.id = p_post);
  ELSIF p_touch THEN
    UPDATE topics t SET last_activity_at = now() WHERE t.id = p_topic;
  END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
SELECT stoa_recount_topic_reads();
