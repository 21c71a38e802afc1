-- A reader's own published posts count as read, wherever they are: topic_reads.read_count (0025) becomes the
-- number of the topic's published posts created at or before the reader's last_read_at OR written by the reader.
-- The list's unread count (published posts by others after the position) is then post_count - read_count, less
-- the replies hidden from the viewer: it no longer probes the viewer's own posts after the position for every
-- listed topic (a range of their posts per topic, on every list read: most of a member's list in the quick
-- bench), and that count moves once per write instead: when a position is written, and when a post of theirs
-- enters or leaves "published". The locks are 0025's: the post's writer holds the topic-read lock exclusively, a
-- position's writer holds it shared.
CREATE OR REPLACE FUNCTION stoa_recount_topic_reads(p_topic uuid DEFAULT NULL) RETURNS void AS $$
BEGIN
  UPDATE topic_reads r SET read_count = c.n + coalesce(o.n, 0)
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
  LEFT JOIN (
    -- The reader's own published posts after the position.
    SELECT q.topic_id, q.user_id, count(*)::int AS n FROM topic_reads q
      JOIN posts p ON p.topic_id = q.topic_id AND p.author_id = q.user_id AND p.status = 'published' AND p.created_at > q.last_read_at
      WHERE p_topic IS NULL OR q.topic_id = p_topic
      GROUP BY q.topic_id, q.user_id
  ) o ON o.topic_id = c.topic_id AND o.user_id = c.user_id
  WHERE r.topic_id = c.topic_id AND r.user_id = c.user_id AND r.read_count IS DISTINCT FROM c.n + coalesce(o.n, 0);
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
-- A read position written: a forward move adds the posts by others it passes (the reader's own were counted
-- already); anything else counts from the start.
CREATE OR REPLACE FUNCTION stoa_topic_read_count() RETURNS trigger AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(1398035012, stoa_topic_read_lock_key(NEW.topic_id));
  IF TG_OP = 'INSERT' THEN
    -- An upsert of an existing position fires this first and then updates: the UPDATE trigger counts.
    IF EXISTS (SELECT 1 FROM topic_reads r WHERE r.user_id = NEW.user_id AND r.topic_id = NEW.topic_id) THEN
      RETURN NEW;
    END IF;
  ELSIF NEW.topic_id = OLD.topic_id AND NEW.user_id = OLD.user_id AND NEW.last_read_at >= OLD.last_read_at THEN
    NEW.read_count := OLD.read_count + (SELECT count(*) FROM posts p WHERE p.topic_id = NEW.topic_id AND p.status = 'published'
                                         AND p.created_at > OLD.last_read_at AND p.created_at <= NEW.last_read_at
                                         AND p.author_id <> NEW.user_id);
    RETURN NEW;
  END IF;
  NEW.read_count := (SELECT count(*) FROM posts p WHERE p.topic_id = NEW.topic_id AND p.status = 'published' AND p.created_at <= NEW.last_read_at)
                  + (SELECT count(*) FROM posts p WHERE p.topic_id = NEW.topic_id AND p.author_id = NEW.user_id AND p.status = 'published'
                       AND p.created_at > NEW.last_read_at);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
-- 0028's function, and: the post's author's own position counts it wherever it is (a position at or after the
-- post counts it as before).
CREATE OR REPLACE FUNCTION stoa_count_topic_post(p_topic uuid, p_author uuid, p_post uuid, p_delta int, p_touch boolean)
RETURNS TABLE (topic_moderation_status text, topic_opens_at timestamptz, topic_closes_at timestamptz, topic_closed_at timestamptz, topic_locked_at timestamptz)
AS $$
#variable_conflict use_column
DECLARE
  other_published boolean;
  post_at timestamptz;
BEGIN
  RETURN QUERY SELECT t.moderation_status, t.opens_at, t.closes_at, t.closed_at, t.locked_at
    FROM topics t WHERE t.id = p_topic FOR NO KEY UPDATE;
  IF p_delta <> 0 THEN
    -- The author's published posts here other than this one: the count less this post when it is published now.
    other_published := coalesce((SELECT c.published FROM topic_poster_counts c WHERE c.topic_id = p_topic AND c.user_id = p_author), 0)
                       - (CASE WHEN p_delta > 0 THEN 1 ELSE 0 END) > 0;
    UPDATE topics t SET
      post_count = greatest(t.post_count + p_delta, 0),
      -- +1 when the author becomes a poster, -1 when they stop being one; 0 while another post counts them.
      poster_count = t.poster_count + (CASE WHEN other_published THEN 0 ELSE p_delta END),
      -- A viewer who becomes a poster stops being a reader, and the other way round.
      reader_count = t.reader_count - (CASE WHEN NOT other_published
                                                  AND EXISTS (SELECT 1 FROM topic_views v WHERE v.topic_id = p_topic AND v.user_id = p_author)
                                            THEN p_delta ELSE 0 END),
      last_activity_at = CASE WHEN p_touch THEN now() ELSE t.last_activity_at END
    WHERE t.id = p_topic;
    PERFORM pg_advisory_xact_lock(1398035012, stoa_topic_read_lock_key(p_topic));
    post_at := (SELECT p.created_at FROM posts p WHERE p.id = p_post);
    UPDATE topic_reads r SET read_count = r.read_count + p_delta
      WHERE r.topic_id = p_topic AND r.last_read_at >= post_at;
    UPDATE topic_reads r SET read_count = r.read_count + p_delta
      WHERE r.user_id = p_author AND r.topic_id = p_topic AND r.last_read_at < post_at;
  ELSIF p_touch THEN
    UPDATE topics t SET last_activity_at = now() WHERE t.id = p_topic;
  END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
-- Existing positions: add the reader's own published posts after them.
UPDATE topic_reads r SET read_count = r.read_count + o.n
FROM (
  SELECT q.topic_id, q.user_id, count(*)::int AS n FROM topic_reads q
    JOIN posts p ON p.topic_id = q.topic_id AND p.author_id = q.user_id AND p.status = 'published' AND p.created_at > q.last_read_at
    GROUP BY q.topic_id, q.user_id
) o
WHERE r.topic_id = o.topic_id AND r.user_id = o.user_id;
