-- Each server process caches resolved sessions for a few seconds (server/features/auth/session-cache.ts).
-- Whatever ends a session or changes what a cached actor carries — sign-out, expiry moved, account
-- suspended, admin flag or display name changed — must reach every process at once, whoever wrote it
-- (the product, a moderator tool, an operator with psql). These triggers NOTIFY on commit:
--   's:<session id>'  drop that session;   'u:<user id>'  drop every session of that user.
CREATE OR REPLACE FUNCTION stoa_session_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('stoa_sessions', 's:' || OLD.id::text);
    RETURN OLD;
  END IF;
  PERFORM pg_notify('stoa_sessions', 's:' || NEW.id::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER sessions_notify_change
  AFTER UPDATE OF ended_at, expires_at, user_id, token_hash OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION stoa_session_changed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION stoa_user_session_actor_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('stoa_sessions', 'u:' || OLD.id::text);
    RETURN OLD;
  END IF;
  IF NEW.suspended_at IS DISTINCT FROM OLD.suspended_at
     OR NEW.is_admin IS DISTINCT FROM OLD.is_admin
     OR NEW.display_name IS DISTINCT FROM OLD.display_name THEN
    PERFORM pg_notify('stoa_sessions', 'u:' || NEW.id::text);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_notify_session_actor_change
  AFTER UPDATE OF suspended_at, is_admin, display_name OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION stoa_user_session_actor_changed();
