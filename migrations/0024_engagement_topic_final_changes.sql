-- The per-topic report keeps finished ISO weeks of engagement_topic_weeks (reader and poster bitmaps) and finished
-- days' readers and posters per topic in memory (server/features/engagement/topic-cache.ts), like the member-level
-- reports (migration 0021). Whatever later changes a past day's per-topic rollups logs that day's (community, week)
-- in engagement_final_changes: a view of a day before today (a late flush, an update or delete by another writer),
-- and a counted act (opening or reply) of a day before today being added or taken away (a moderator removing an old
-- post, a topic moved or re-timed). Today's views and acts log nothing, so the hot paths of reading and posting take
-- no extra write, only a date comparison inside the row triggers that already run (no new trigger).
CREATE OR REPLACE FUNCTION engagement_topic_act(c uuid, t uuid, u uuid, prompt uuid, at timestamptz, sign int) RETURNS void AS $$
DECLARE
  d date := (at AT TIME ZONE 'UTC')::date;
  w date := date_trunc('week', (at AT TIME ZONE 'UTC'))::date;
  n int;
BEGIN
  PERFORM 1 FROM topics WHERE id = t FOR NO KEY UPDATE;
  IF d < (clock_timestamp() AT TIME ZONE 'UTC')::date THEN
    INSERT INTO engagement_final_changes (community_id, week_start) VALUES (c, w);
  END IF;
  INSERT INTO engagement_topic_days AS e (community_id, day, topic_id, prompt_id, acts) VALUES (c, d, t, prompt, sign)
  ON CONFLICT (community_id, day, topic_id, prompt_id) DO UPDATE SET acts = e.acts + EXCLUDED.acts;
  DELETE FROM engagement_topic_days
   WHERE community_id = c AND day = d AND topic_id = t AND prompt_id IS NOT DISTINCT FROM prompt AND acts = 0;
  INSERT INTO engagement_topic_poster_weeks AS e (topic_id, week_start, user_id, acts) VALUES (t, w, u, sign)
  ON CONFLICT (topic_id, week_start, user_id) DO UPDATE SET acts = e.acts + EXCLUDED.acts
  RETURNING acts INTO n;
  IF sign > 0 AND n = 1 THEN
    PERFORM engagement_topic_weeks_bit(c, t, w, engagement_participant_no(c, u), true, 1);
  ELSIF n = 0 THEN
    DELETE FROM engagement_topic_poster_weeks WHERE topic_id = t AND week_start = w AND user_id = u;
    PERFORM engagement_topic_weeks_bit(c, t, w, engagement_participant_no(c, u), true, 0);
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_on_view() RETURNS trigger AS $$
DECLARE
  w date;
  today date;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.topic_id = NEW.topic_id AND OLD.user_id = NEW.user_id AND OLD.day = NEW.day
     AND OLD.community_id = NEW.community_id THEN
    RETURN NULL; -- prev_day relinks
  END IF;
  today := (clock_timestamp() AT TIME ZONE 'UTC')::date;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM 1 FROM topics WHERE id = OLD.topic_id FOR NO KEY UPDATE;
    w := date_trunc('week', OLD.day::timestamp)::date;
    IF OLD.day < today THEN
      INSERT INTO engagement_final_changes (community_id, week_start) VALUES (OLD.community_id, w);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM topic_views WHERE topic_id = OLD.topic_id AND user_id = OLD.user_id AND day >= w AND day < w + 7) THEN
      PERFORM engagement_topic_weeks_bit(OLD.community_id, OLD.topic_id, w, engagement_participant_no(OLD.community_id, OLD.user_id), false, 0);
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM 1 FROM topics WHERE id = NEW.topic_id FOR NO KEY UPDATE;
    w := date_trunc('week', NEW.day::timestamp)::date;
    IF NEW.day < today THEN
      INSERT INTO engagement_final_changes (community_id, week_start) VALUES (NEW.community_id, w);
    END IF;
    PERFORM engagement_topic_weeks_bit(NEW.community_id, NEW.topic_id, w, engagement_participant_no(NEW.community_id, NEW.user_id), false, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- A rebuild renumbers the participants, so every week that held per-topic rows, before or after it, is logged.
CREATE OR REPLACE FUNCTION engagement_by_topic_rebuild() RETURNS void AS $$
  INSERT INTO engagement_final_changes (community_id, week_start)
    SELECT DISTINCT community_id, week_start FROM engagement_topic_weeks
    UNION SELECT DISTINCT community_id, date_trunc('week', day::timestamp)::date FROM engagement_topic_days;
  DELETE FROM engagement_topic_weeks;
  DELETE FROM engagement_topic_poster_weeks;
  DELETE FROM engagement_topic_days;
  DELETE FROM engagement_participants;
  INSERT INTO engagement_participants (community_id, user_id, no)
    SELECT community_id, user_id, (row_number() OVER (PARTITION BY community_id ORDER BY user_id) - 1)::int
      FROM (SELECT community_id, author_id AS user_id FROM topics WHERE moderation_status = 'published'
            UNION SELECT community_id, author_id FROM posts WHERE stoa_post_counts(status)
            UNION SELECT community_id, user_id FROM topic_views) p;
  INSERT INTO engagement_topic_days (community_id, day, topic_id, prompt_id, acts)
    SELECT community_id, (at AT TIME ZONE 'UTC')::date, topic_id, prompt_id, count(*)::int
      FROM (SELECT community_id, id AS topic_id, NULL::uuid AS prompt_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT community_id, topic_id, prompt_id, created_at FROM posts WHERE stoa_post_counts(status)) a
     GROUP BY 1, 2, 3, 4;
  INSERT INTO engagement_topic_poster_weeks (topic_id, week_start, user_id, acts)
    SELECT topic_id, date_trunc('week', (at AT TIME ZONE 'UTC'))::date, user_id, count(*)::int
      FROM (SELECT id AS topic_id, author_id AS user_id, created_at AS at FROM topics WHERE moderation_status = 'published'
            UNION ALL SELECT topic_id, author_id, created_at FROM posts WHERE stoa_post_counts(status)) a
     GROUP BY 1, 2, 3;
  -- A bitmap from a topic-week's sorted participant numbers: for each number, a run of zeros, then a one.
  INSERT INTO engagement_topic_weeks (topic_id, week_start, community_id, viewers, posters)
    SELECT coalesce(v.topic_id, p.topic_id), coalesce(v.week_start, p.week_start), coalesce(v.community_id, p.community_id),
           coalesce(v.bits, B''), coalesce(p.bits, B'')
      FROM (
        SELECT topic_id, week_start, community_id, string_agg(repeat('0', no - prev - 1) || '1', '' ORDER BY no)::varbit AS bits
          FROM (SELECT d.*, coalesce(lag(no) OVER (PARTITION BY topic_id, week_start ORDER BY no), -1) AS prev
                  FROM (SELECT DISTINCT v.topic_id, date_trunc('week', v.day::timestamp)::date AS week_start, v.community_id, n.no
                          FROM topic_views v JOIN engagement_participants n ON n.community_id = v.community_id AND n.user_id = v.user_id) d) s
         GROUP BY 1, 2, 3) v
      FULL JOIN (
        SELECT topic_id, week_start, community_id, string_agg(repeat('0', no - prev - 1) || '1', '' ORDER BY no)::varbit AS bits
          FROM (SELECT d.*, coalesce(lag(no) OVER (PARTITION BY topic_id, week_start ORDER BY no), -1) AS prev
                  FROM (SELECT pw.topic_id, pw.week_start, t.community_id, n.no
                          FROM engagement_topic_poster_weeks pw JOIN topics t ON t.id = pw.topic_id
                          JOIN engagement_participants n ON n.community_id = t.community_id AND n.user_id = pw.user_id) d) s
         GROUP BY 1, 2, 3) p
        ON p.topic_id = v.topic_id AND p.week_start = v.week_start
     -- Stored week by week: a period's rows then sit on few pages.
     ORDER BY 2, 1;
  INSERT INTO engagement_final_changes (community_id, week_start)
    SELECT DISTINCT community_id, week_start FROM engagement_topic_weeks
    UNION SELECT DISTINCT community_id, date_trunc('week', day::timestamp)::date FROM engagement_topic_days;
$$ LANGUAGE sql;
