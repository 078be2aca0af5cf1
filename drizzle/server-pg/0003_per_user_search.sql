-- Full-text search scoped by user: every lexeme of an entry is tagged with its user (12 hex
-- characters of md5(user_id)), and a user's queries are tagged the same way. A query then
-- enumerates only its user's lexemes in the GIN index: a prefix like `abc:*` from one account
-- never walks every tenant's words, and what a query costs is what the user's own entries cost.
CREATE FUNCTION vlt_user_tag(user_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT left(md5(user_id), 12) $$;
--> statement-breakpoint
CREATE FUNCTION vlt_tagged_tsvector(tag text, v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(
    '''' || replace(replace(tag || u.lexeme, '\', '\\'), '''', '''''') || '''' ||
    coalesce(':' || array_to_string(u.positions, ','), ''), ' '), '')::tsvector
  FROM unnest(v) AS u
$$;
--> statement-breakpoint
CREATE FUNCTION vlt_tagged_tsquery(tag text, q tsquery) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT regexp_replace(CAST(q AS text), '''((?:[^'']|'''')*)''', '''' || tag || '\1''', 'g')::tsquery
$$;
--> statement-breakpoint
DROP INDEX "entries_content_tsv";
--> statement-breakpoint
ALTER TABLE "entries" DROP COLUMN "content_tsv";
--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "content_tsv" tsvector GENERATED ALWAYS AS (vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', content))) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "entries_content_tsv" ON "entries" USING gin ("content_tsv");
