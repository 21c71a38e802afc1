-- stoa_count_topic_post (0025) asked "has the author another published post in this topic?" with two EXISTS probes
-- of posts for every new post: a range of the partial index on (topic_id, author_id), as long as the author's
-- posts there. (Its counter update took 0.28 ms a reply in the post-creation bench, against 0.05 ms for the bare
-- counter update, and took as long after this change: that cost is the topic row's update itself, not the probes.
-- The probes no longer grow with the author's posts.) topic_poster_counts (0027) holds the answer: its row for the topic and author counts their
-- published posts, this one included when it is published now, and the posts triggers have already moved it in
-- this transaction (the AFTER row trigger of the insert or status change that came before this call). The row's
-- lock orders two writers of the same author and topic as the probes' snapshot did: the second one's trigger
-- waits for the first one's commit.
CREATE OR REPLACE FUNCTION stoa_count_topic_post(p_topic uuid, p_author uuid, p_post uuid, p_delta int, p_touch boolean)
RETURNS TABLE (topic_moderation_status text, topic_opens_at timestamptz, topic_closes_at timestamptz, topic_closed_at timestamptz, topic_locked_at timestamptz)
AS $$
#variable_conflict use_column
DECLARE
  other_published boolean;
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
    UPDATE topic_reads r SET read_count = r.read_count + p_delta
      WHERE r.topic_id = p_topic AND r.last_read_at >= (SELECT p.created_at FROM posts p WHERE p.id = p_post);
  ELSIF p_touch THEN
    UPDATE topics t SET last_activity_at = now() WHERE t.id = p_topic;
  END IF;
END;
$$ LANGUAGE plpgsql VOLATILE;
