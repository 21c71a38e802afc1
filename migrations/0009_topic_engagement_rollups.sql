CREATE TABLE "engagement_participants" (
	"community_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"no" integer NOT NULL,
	CONSTRAINT "engagement_participants_community_id_user_id_pk" PRIMARY KEY("community_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "engagement_topic_days" (
	"community_id" uuid NOT NULL,
	"day" date NOT NULL,
	"topic_id" uuid NOT NULL,
	"prompt_id" uuid,
	"acts" integer NOT NULL,
	CONSTRAINT "engagement_topic_days_key" UNIQUE NULLS NOT DISTINCT("community_id","day","topic_id","prompt_id")
);
--> statement-breakpoint
CREATE TABLE "engagement_topic_poster_weeks" (
	"topic_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"user_id" uuid NOT NULL,
	"acts" integer NOT NULL,
	CONSTRAINT "engagement_topic_poster_weeks_topic_id_week_start_user_id_pk" PRIMARY KEY("topic_id","week_start","user_id")
);
--> statement-breakpoint
CREATE TABLE "engagement_topic_weeks" (
	"topic_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"community_id" uuid NOT NULL,
	"viewers" bit varying DEFAULT B'' NOT NULL,
	"posters" bit varying DEFAULT B'' NOT NULL,
	CONSTRAINT "engagement_topic_weeks_topic_id_week_start_pk" PRIMARY KEY("topic_id","week_start")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "engagement_participants_no_idx" ON "engagement_participants" USING btree ("community_id","no");--> statement-breakpoint
CREATE INDEX "engagement_topic_weeks_community_idx" ON "engagement_topic_weeks" USING btree ("community_id","week_start");--> statement-breakpoint
-- A period's topic-day counts as an index-only scan (the unique key lacks `acts`, so PostgreSQL read the
-- whole table: ~60 ms at bench scale). Written here by hand: drizzle's index builder has no INCLUDE.
CREATE INDEX "engagement_topic_days_cover_idx" ON "engagement_topic_days" USING btree ("community_id","day") INCLUDE ("topic_id","prompt_id","acts");--> statement-breakpoint
-- The per-topic rollups are derived from topics, posts and topic_views and kept exact by the triggers below,
-- in the writing transaction, like engagement_member_days (0006). A counted act is a topic opening or a
-- published or withdrawn reply; week and day are UTC. Each trigger locks the topic row (FOR NO KEY UPDATE,
-- which the writers' foreign keys' KEY SHARE does not block) before it touches a rollup row, so that every
-- writer of a topic's rollup rows takes the topic first and none can deadlock on them. The triggers are
-- deferred to commit: a reply then holds its topic's row lock only for the last statements of its
-- transaction (counters, event), not from its insert on — replies to one busy topic queue on that lock.

-- The participant number of (community, user), assigned on first use. The advisory lock (per community,
-- until commit) makes "the next number" safe when two newcomers act at once; later statements in this
-- function see what committed while it waited (READ COMMITTED takes a snapshot per statement).
CREATE OR REPLACE FUNCTION engagement_participant_no(c uuid, u uuid) RETURNS int AS $$
DECLARE
  n int;
BEGIN
  SELECT no INTO n FROM engagement_participants WHERE community_id = c AND user_id = u;
  IF FOUND THEN
    RETURN n;
  END IF;
  PERFORM pg_advisory_xact_lock(1398034242, hashtext(c::text)); -- 0x53544F42, 'STOB'
  SELECT no INTO n FROM engagement_participants WHERE community_id = c AND user_id = u;
  IF FOUND THEN
    RETURN n;
  END IF;
  SELECT coalesce(max(no) + 1, 0) INTO n FROM engagement_participants WHERE community_id = c;
  INSERT INTO engagement_participants (community_id, user_id, no) VALUES (c, u, n);
  RETURN n;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Sets bit n of a topic-week's viewers or posters to v, growing the bitmap 64 bits at a time when n is past its end.
CREATE OR REPLACE FUNCTION engagement_topic_weeks_bit(c uuid, t uuid, w date, n int, of_posters boolean, v int) RETURNS void AS $$
BEGIN
  INSERT INTO engagement_topic_weeks (topic_id, week_start, community_id) VALUES (t, w, c) ON CONFLICT DO NOTHING;
  IF of_posters THEN
    UPDATE engagement_topic_weeks SET posters = set_bit(
        CASE WHEN length(posters) > n THEN posters ELSE posters || repeat('0', (n / 64 + 1) * 64 - length(posters))::varbit END, n, v)
     WHERE topic_id = t AND week_start = w;
  ELSE
    UPDATE engagement_topic_weeks SET viewers = set_bit(
        CASE WHEN length(viewers) > n THEN viewers ELSE viewers || repeat('0', (n / 64 + 1) * 64 - length(viewers))::varbit END, n, v)
     WHERE topic_id = t AND week_start = w;
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Adds (sign = 1) or takes away (sign = -1) one counted act by user u in topic t at instant at.
CREATE OR REPLACE FUNCTION engagement_topic_act(c uuid, t uuid, u uuid, prompt uuid, at timestamptz, sign int) RETURNS void AS $$
DECLARE
  d date := (at AT TIME ZONE 'UTC')::date;
  w date := date_trunc('week', (at AT TIME ZONE 'UTC'))::date;
  n int;
BEGIN
  PERFORM 1 FROM topics WHERE id = t FOR NO KEY UPDATE;
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
CREATE OR REPLACE FUNCTION engagement_by_topic_on_post() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.topic_id IS NOT DISTINCT FROM NEW.topic_id
     AND OLD.prompt_id IS NOT DISTINCT FROM NEW.prompt_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
    RETURN NULL; -- edits, helpful counters: nothing these rollups hold
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('published', 'withdrawn') THEN
    PERFORM engagement_topic_act(OLD.community_id, OLD.topic_id, OLD.author_id, OLD.prompt_id, OLD.created_at, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('published', 'withdrawn') THEN
    PERFORM engagement_topic_act(NEW.community_id, NEW.topic_id, NEW.author_id, NEW.prompt_id, NEW.created_at, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER engagement_by_topic_post_sync
  AFTER INSERT OR UPDATE OR DELETE ON posts
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION engagement_by_topic_on_post();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_on_topic() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
     AND OLD.author_id IS NOT DISTINCT FROM NEW.author_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM engagement_topic_act(OLD.community_id, OLD.id, OLD.author_id, NULL, OLD.created_at, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM engagement_topic_act(NEW.community_id, NEW.id, NEW.author_id, NULL, NEW.created_at, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER engagement_by_topic_topic_sync
  AFTER INSERT OR UPDATE OR DELETE ON topics
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION engagement_by_topic_on_topic();
--> statement-breakpoint
-- The product only inserts views (one row per member, topic and UTC day); an update or delete by another
-- writer clears the week's bit when no other view of that member remains in that topic-week.
CREATE OR REPLACE FUNCTION engagement_by_topic_on_view() RETURNS trigger AS $$
DECLARE
  w date;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.topic_id = NEW.topic_id AND OLD.user_id = NEW.user_id AND OLD.day = NEW.day
     AND OLD.community_id = NEW.community_id THEN
    RETURN NULL; -- prev_day relinks
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM 1 FROM topics WHERE id = OLD.topic_id FOR NO KEY UPDATE;
    w := date_trunc('week', OLD.day::timestamp)::date;
    IF NOT EXISTS (SELECT 1 FROM topic_views WHERE topic_id = OLD.topic_id AND user_id = OLD.user_id AND day >= w AND day < w + 7) THEN
      PERFORM engagement_topic_weeks_bit(OLD.community_id, OLD.topic_id, w, engagement_participant_no(OLD.community_id, OLD.user_id), false, 0);
    END IF;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM 1 FROM topics WHERE id = NEW.topic_id FOR NO KEY UPDATE;
    PERFORM engagement_topic_weeks_bit(NEW.community_id, NEW.topic_id, date_trunc('week', NEW.day::timestamp)::date,
      engagement_participant_no(NEW.community_id, NEW.user_id), false, 1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER engagement_by_topic_view_sync
  AFTER INSERT OR UPDATE OR DELETE ON topic_views
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION engagement_by_topic_on_view();
--> statement-breakpoint
-- Rebuilds all four tables from their sources: for existing data (below), after bulk loads that bypass
-- triggers (bench/generate.ts), and on TRUNCATE of a source. Participants are renumbered.
CREATE OR REPLACE FUNCTION engagement_by_topic_rebuild() RETURNS void AS $$
  DELETE FROM engagement_topic_weeks;
  DELETE FROM engagement_topic_poster_weeks;
  DELETE FROM engagement_topic_days;
  DELETE FROM engagement_participants;
  INSERT INTO engagement_participants (community_id, user_id, no)
    SELECT community_id, user_id, (row_number() OVER (PARTITION BY community_id ORDER BY user_id) - 1)::int
      FROM (SELECT community_id, author_id AS user_id FROM topics
            UNION SELECT community_id, author_id FROM posts WHERE status IN ('published', 'withdrawn')
            UNION SELECT community_id, user_id FROM topic_views) p;
  INSERT INTO engagement_topic_days (community_id, day, topic_id, prompt_id, acts)
    SELECT community_id, (at AT TIME ZONE 'UTC')::date, topic_id, prompt_id, count(*)::int
      FROM (SELECT community_id, id AS topic_id, NULL::uuid AS prompt_id, created_at AS at FROM topics
            UNION ALL SELECT community_id, topic_id, prompt_id, created_at FROM posts WHERE status IN ('published', 'withdrawn')) a
     GROUP BY 1, 2, 3, 4;
  INSERT INTO engagement_topic_poster_weeks (topic_id, week_start, user_id, acts)
    SELECT topic_id, date_trunc('week', (at AT TIME ZONE 'UTC'))::date, user_id, count(*)::int
      FROM (SELECT id AS topic_id, author_id AS user_id, created_at AS at FROM topics
            UNION ALL SELECT topic_id, author_id, created_at FROM posts WHERE status IN ('published', 'withdrawn')) a
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
$$ LANGUAGE sql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION engagement_by_topic_on_truncate() RETURNS trigger AS $$
BEGIN
  PERFORM engagement_by_topic_rebuild();
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagement_by_topic_truncate_posts AFTER TRUNCATE ON posts FOR EACH STATEMENT EXECUTE FUNCTION engagement_by_topic_on_truncate();
--> statement-breakpoint
CREATE TRIGGER engagement_by_topic_truncate_topics AFTER TRUNCATE ON topics FOR EACH STATEMENT EXECUTE FUNCTION engagement_by_topic_on_truncate();
--> statement-breakpoint
CREATE TRIGGER engagement_by_topic_truncate_views AFTER TRUNCATE ON topic_views FOR EACH STATEMENT EXECUTE FUNCTION engagement_by_topic_on_truncate();
--> statement-breakpoint
SELECT engagement_by_topic_rebuild();
