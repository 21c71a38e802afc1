-- "Has this been asked before?" looks for practice problems whose titles share words with a new title. A GIN
-- index over problems alone keeps the look-up (and its recheck of each hit's vector) off the CPD topics, whose
-- vectors hold whole articles.
CREATE INDEX IF NOT EXISTS "topics_problem_search_idx" ON "topics" USING gin ("search_vector") WHERE "kind" = 'problem';
