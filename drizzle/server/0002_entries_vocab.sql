-- Document frequencies of the FTS index's terms: the Oracle leaves out words too common to help.
CREATE VIRTUAL TABLE `entries_vocab` USING fts5vocab('entries_fts', 'row');
