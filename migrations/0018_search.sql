-- Full-text search (issue 14). Each community has a language: the text-search configuration its words are
-- stemmed with ('simple' when unset or unknown). Topics (title weighted A over text B), prompts and posts keep
-- a tsvector, written by BEFORE triggers from the row's text and its community's language, indexed by GIN.
-- The vectors are not mapped in db/schema.ts on purpose: no ORM select ever carries them.
ALTER TABLE "communities" ADD COLUMN "search_language" text DEFAULT 'simple' NOT NULL;
--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "search_vector" tsvector;
--> statement-breakpoint
ALTER TABLE "prompts" ADD COLUMN "search_vector" tsvector;
--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "search_vector" tsvector;
--> statement-breakpoint
-- The community's configuration; a name that is not (or no longer) installed falls back to 'simple'.
CREATE FUNCTION stoa_search_config(community uuid) RETURNS regconfig LANGUAGE sql STABLE AS $$
  SELECT coalesce(
    (SELECT cfg.oid::regconfig FROM communities c JOIN pg_catalog.pg_ts_config cfg ON cfg.cfgname = c.search_language WHERE c.id = community),
    'simple'::regconfig)
$$;
--> statement-breakpoint
-- What each kind of row indexes: one definition, used by the triggers and by a language change's reindex.
CREATE FUNCTION stoa_topic_search_vector(cfg regconfig, title text, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector(cfg, coalesce(title, '')), 'A') || setweight(to_tsvector(cfg, coalesce(body, '')), 'B')
$$;
--> statement-breakpoint
CREATE FUNCTION stoa_text_search_vector(cfg regconfig, body text) RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
  SELECT setweight(to_tsvector(cfg, coalesce(body, '')), 'B')
$$;
--> statement-breakpoint
CREATE FUNCTION stoa_topics_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := stoa_topic_search_vector(stoa_search_config(NEW.community_id), NEW.title, NEW.body_md);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE FUNCTION stoa_prompts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := stoa_text_search_vector(
    stoa_search_config((SELECT t.community_id FROM topics t WHERE t.id = NEW.topic_id)), NEW.body_md);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE FUNCTION stoa_posts_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector := stoa_text_search_vector(stoa_search_config(NEW.community_id), NEW.body_md);
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER topics_search_vector BEFORE INSERT OR UPDATE OF title, body_md, community_id ON topics
  FOR EACH ROW EXECUTE FUNCTION stoa_topics_search_vector();
--> statement-breakpoint
CREATE TRIGGER prompts_search_vector BEFORE INSERT OR UPDATE OF body_md, topic_id ON prompts
  FOR EACH ROW EXECUTE FUNCTION stoa_prompts_search_vector();
--> statement-breakpoint
CREATE TRIGGER posts_search_vector BEFORE INSERT OR UPDATE OF body_md, community_id ON posts
  FOR EACH ROW EXECUTE FUNCTION stoa_posts_search_vector();
--> statement-breakpoint
UPDATE topics SET search_vector = stoa_topic_search_vector(stoa_search_config(community_id), title, body_md);
--> statement-breakpoint
UPDATE prompts p SET search_vector = stoa_text_search_vector(stoa_search_config(t.community_id), p.body_md) FROM topics t WHERE t.id = p.topic_id;
--> statement-breakpoint
UPDATE posts SET search_vector = stoa_text_search_vector(stoa_search_config(community_id), body_md);
--> statement-breakpoint
CREATE INDEX "topics_search_idx" ON "topics" USING gin ("search_vector");
--> statement-breakpoint
CREATE INDEX "prompts_search_idx" ON "prompts" USING gin ("search_vector");
--> statement-breakpoint
CREATE INDEX "posts_search_idx" ON "posts" USING gin ("search_vector");
--> statement-breakpoint
-- A community's most recent matching topics first (posts have posts_community_created_idx already).
CREATE INDEX "topics_community_created_idx" ON "topics" USING btree ("community_id","created_at");
--> statement-breakpoint
-- "Has this been asked before?": trigram similarity of practice-problem titles where pg_trgm can be installed
-- (PGlite loads it; a PostgreSQL server needs the contrib package). Without it the search service falls back
-- to full text alone.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX IF NOT EXISTS topics_problem_title_trgm_idx ON topics USING gin (lower(title) gin_trgm_ops) WHERE kind = 'problem';
  END IF;
END $$;
