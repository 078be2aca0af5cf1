-- How many of a user's entries hold each lexeme (as content_tsv holds it, without the user's tag),
-- kept by statement triggers in the transaction that writes the entries. The Oracle's document
-- counts read it (a sum over a prefix's range of lexemes, as FTS5's vocabulary table answers on
-- SQLite) instead of counting matching rows: a GIN match of a tsquery is always rechecked on the
-- heap, so counting a common word's entries read thousands of heap pages per question word.
-- Not in schema-pg.ts: like FTS5's tables on SQLite, it belongs to the engine's search. The
-- triggers see INSERT, UPDATE and DELETE, not TRUNCATE (entry_terms goes with users' cascade): a
-- later migration that rewrites content_tsv (as 0003 did) must recount, as the last statement
-- here does.
CREATE TABLE "entry_terms" (
	"user_id" text NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"lexeme" text COLLATE "C" NOT NULL,
	"df" integer NOT NULL,
	PRIMARY KEY ("user_id", "lexeme")
);
--> statement-breakpoint
CREATE FUNCTION vlt_entry_terms_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entry_terms (user_id, lexeme, df)
  SELECT n.user_id, substr(l, 13), count(*) FROM new_rows n, unnest(tsvector_to_array(n.content_tsv)) AS l
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (user_id, lexeme) DO UPDATE SET df = entry_terms.df + excluded.df;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION vlt_entry_terms_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE entry_terms t SET df = t.df - o.n
  FROM (
    SELECT r.user_id, substr(l, 13) AS lexeme, count(*) AS n
    FROM old_rows r, unnest(tsvector_to_array(r.content_tsv)) AS l GROUP BY 1, 2
  ) o
  WHERE t.user_id = o.user_id AND t.lexeme = o.lexeme;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION vlt_entry_terms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO entry_terms (user_id, lexeme, df)
  SELECT user_id, lexeme, d FROM (
    SELECT user_id, substr(l, 13) AS lexeme, sum(d) AS d FROM (
      SELECT o.user_id, l, -1 AS d
      FROM old_rows o JOIN new_rows n ON n.pk = o.pk, unnest(tsvector_to_array(o.content_tsv)) AS l
      WHERE o.content_tsv <> n.content_tsv
      UNION ALL
      SELECT n.user_id, l, 1
      FROM old_rows o JOIN new_rows n ON n.pk = o.pk, unnest(tsvector_to_array(n.content_tsv)) AS l
      WHERE o.content_tsv <> n.content_tsv
    ) x GROUP BY 1, 2 HAVING sum(d) <> 0
  ) delta
  ORDER BY 1, 2
  ON CONFLICT (user_id, lexeme) DO UPDATE SET df = entry_terms.df + excluded.df;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER entry_terms_insert AFTER INSERT ON entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vlt_entry_terms_added();
--> statement-breakpoint
CREATE TRIGGER entry_terms_delete AFTER DELETE ON entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION vlt_entry_terms_removed();
--> statement-breakpoint
CREATE TRIGGER entry_terms_update AFTER UPDATE ON entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION vlt_entry_terms_changed();
--> statement-breakpoint
INSERT INTO entry_terms (user_id, lexeme, df)
SELECT e.user_id, substr(l, 13), count(*) FROM entries e, unnest(tsvector_to_array(e.content_tsv)) AS l
GROUP BY 1, 2;
