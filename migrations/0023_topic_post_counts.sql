-- A post's topic counters in ONE statement (server/domain/content-status.ts). The rule stays as it was: the
-- topic row is locked FIRST, and the counters' probes ("another published post by this author?", "viewed?")
-- run in a LATER statement, so under READ COMMITTED they see every change committed by the transaction that
-- held the lock before. Inside this VOLATILE function each statement takes a fresh snapshot, so the lock and
-- the probes no longer need two round trips from the application: the topic's lock is held from here to the
-- commit, one round trip less. Returns the topic's state read under the lock (is it still open for replies?).
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
  ELSIF p_touch THEN
    UPDATE topics t SET last_activity_at = now() WHERE t.id = p_topic;
  END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;
