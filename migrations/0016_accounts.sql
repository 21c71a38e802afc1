-- Accounts that email needs (issue 13): a unique @handle, a profile (bio, "what I can help with"), email
-- verification, and single-use tokens for password reset, verification and email change.
CREATE TABLE "account_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"token_hash" text NOT NULL,
	"new_email" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_tokens_purpose_check" CHECK ("account_tokens"."purpose" in ('password_reset', 'verify_email', 'change_email'))
);
--> statement-breakpoint
ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_tokens_hash_key" ON "account_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "account_tokens_user_idx" ON "account_tokens" USING btree ("user_id","purpose","created_at");--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "handle" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "bio" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "expertise" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone;--> statement-breakpoint
-- Accounts made before verification existed were made by an admin or through an invite: they count as verified.
UPDATE "users" SET "email_verified_at" = "created_at";--> statement-breakpoint
-- A handle from a display name: lower-case ASCII letters, digits and underscores, 3 to 30 characters
-- ("Maria Costa" → maria_costa; a name with no such letters → member). Taken: maria_costa2, maria_costa3, …
CREATE OR REPLACE FUNCTION stoa_next_handle(display_name text) RETURNS text AS $$
DECLARE
  base text := left(coalesce(nullif(trim(both '_' from regexp_replace(lower(display_name), '[^a-z0-9]+', '_', 'g')), ''), 'member'), 24);
  candidate text;
  n int := 1;
BEGIN
  IF length(base) < 3 THEN base := rpad(base, 3, '_'); END IF;
  -- Two registrations with the same name wait for each other instead of colliding on the unique index.
  PERFORM pg_advisory_xact_lock(hashtext('stoa_handle:' || base));
  LOOP
    candidate := base || CASE WHEN n = 1 THEN '' ELSE n::text END;
    EXIT WHEN NOT EXISTS (SELECT 1 FROM users WHERE handle = candidate);
    n := n + 1;
  END LOOP;
  RETURN candidate;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id, display_name FROM users ORDER BY created_at, id LOOP
    UPDATE users SET handle = stoa_next_handle(r.display_name) WHERE id = r.id;
  END LOOP;
END $$;
--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "handle" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "users_handle_key" ON "users" USING btree ("handle");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_handle_check" CHECK ("users"."handle" ~ '^[a-z0-9_]{3,30}$');--> statement-breakpoint
-- Every way of creating an account (registration, the admin from ADMIN_EMAIL, seeds, tests) gets a handle.
CREATE OR REPLACE FUNCTION stoa_assign_handle() RETURNS trigger AS $$
BEGIN
  IF NEW.handle IS NULL THEN
    NEW.handle := stoa_next_handle(NEW.display_name);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_assign_handle BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION stoa_assign_handle();
