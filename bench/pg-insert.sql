-- A scratch database only: the variants drop an index and a column (each in a transaction rolled
-- back, but holding an exclusive lock on the entries meanwhile).
-- What one entry costs PostgreSQL to store, taken apart: 5,000 of the database's entries inserted
-- again (new ids, same text) in one statement, as is and with parts taken away, each in its own
-- transaction rolled back. Load a database first (e.g. `node scripts/run-ts.mjs
-- bench/oracle-profile.ts 50000 --postgres-url URL`), then `psql URL -f bench/pg-insert.sql`
-- (run it three times: the machine's noise is large). The sections, in order: as is (twice); without
-- the entry_terms trigger; without the GIN index; without both; without the tsvector column at all
-- (the heap and the b-tree indexes); as is again; an untagged to_tsvector column, no GIN, no
-- trigger (the ALTER's rewrite of the table is the first long time there, the INSERT the second).
\set ON_ERROR_STOP on
\timing on
\set INS 'INSERT INTO entries (user_id, thread_pk, entry_id, sequence_id, content, author, timestamp, received_at, deleted) SELECT user_id, thread_pk, entry_id || ''x'', sequence_id + 1000000, content, author, timestamp, received_at, 0 FROM entries ORDER BY pk LIMIT 5000'
\echo as-is
BEGIN; :INS; ROLLBACK;
BEGIN; :INS; ROLLBACK;
\echo no-triggers
BEGIN; ALTER TABLE entries DISABLE TRIGGER entry_terms_insert; :INS; ROLLBACK;
\echo no-gin
BEGIN; DROP INDEX entries_content_tsv; :INS; ROLLBACK;
\echo no-gin-no-triggers
BEGIN; DROP INDEX entries_content_tsv; ALTER TABLE entries DISABLE TRIGGER entry_terms_insert; :INS; ROLLBACK;
\echo no-tsv-column
BEGIN; ALTER TABLE entries DISABLE TRIGGER entry_terms_insert; ALTER TABLE entries DROP COLUMN content_tsv; :INS; ROLLBACK;
\echo as-is
BEGIN; :INS; ROLLBACK;
\echo plain-tsvector-no-tag-no-gin
BEGIN; ALTER TABLE entries DISABLE TRIGGER entry_terms_insert; ALTER TABLE entries DROP COLUMN content_tsv; ALTER TABLE entries ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED; :INS; ROLLBACK;
