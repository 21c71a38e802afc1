-- Each member's published posts per topic, kept by triggers on posts: the unread count of a topic a member never
-- opened is post_count less their own published posts, and counting those on every read grew with them (index-only,
-- but all of them: a member with 5,000 posts in a 100,000-post topic added 0.5 ms to every topic page and list).
-- Triggers, not stoa_count_topic_post, so that every way a post is written (a status change, a post moved to another
-- topic, SQL by hand) keeps the count; the count moves in the writer's transaction, seen with its post_count.
CREATE TABLE IF NOT EXISTS "topic_poster_counts" (
	"topic_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"published" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "topic_poster_counts_topic_id_user_id_pk" PRIMARY KEY("topic_id","user_id")
);--> statement-breakpoint
ALTER TABLE "topic_poster_counts" ADD CONSTRAINT "topic_poster_counts_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topic_poster_counts" ADD CONSTRAINT "topic_poster_counts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE OR REPLACE FUNCTION stoa_topic_poster_count() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = 'published' THEN
    UPDATE topic_poster_counts SET published = published - 1 WHERE topic_id = OLD.topic_id AND user_id = OLD.author_id;
  END IF;
  IF NEW.status = 'published' THEN
    INSERT INTO topic_poster_counts (topic_id, user_id, published) VALUES (NEW.topic_id, NEW.author_id, 1)
      ON CONFLICT (topic_id, user_id) DO UPDATE SET published = topic_poster_counts.published + 1;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
DROP TRIGGER IF EXISTS posts_topic_poster_count_insert ON posts;--> statement-breakpoint
CREATE TRIGGER posts_topic_poster_count_insert AFTER INSERT ON posts
  FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION stoa_topic_poster_count();--> statement-breakpoint
DROP TRIGGER IF EXISTS posts_topic_poster_count_update ON posts;--> statement-breakpoint
-- Only when the post's count moves: into or out of "published", or a published post to another topic or author.
CREATE TRIGGER posts_topic_poster_count_update AFTER UPDATE OF status, topic_id, author_id ON posts
  FOR EACH ROW WHEN ((OLD.status = 'published' OR NEW.status = 'published')
    AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.topic_id IS DISTINCT FROM NEW.topic_id OR OLD.author_id IS DISTINCT FROM NEW.author_id))
  EXECUTE FUNCTION stoa_topic_poster_count();--> statement-breakpoint
-- Recounts every member's published posts per topic: the backfill, and after a bulk load that skipped triggers.
CREATE OR REPLACE FUNCTION topic_poster_counts_rebuild() RETURNS void AS $$
BEGIN
  DELETE FROM topic_poster_counts;
  INSERT INTO topic_poster_counts (topic_id, user_id, published)
    SELECT topic_id, author_id, count(*)::int FROM posts WHERE status = 'published' GROUP BY topic_id, author_id;
END;
$$ LANGUAGE plpgsql VOLATILE;--> statement-breakpoint
SELECT topic_poster_counts_rebuild();
