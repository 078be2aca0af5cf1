-- A thread's entry_count is of the entries one can read, as `vlt thread list` counts them: the
-- deleted ones (tombstones: their numbers stay taken) are no longer counted.
UPDATE threads SET entry_count = (
  SELECT count(*) FROM entries WHERE entries.thread_pk = threads.pk AND entries.deleted = 0
);
