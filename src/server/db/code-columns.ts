// A code candidate's columns for the Oracle (c: code_chunks, f: code_files, hits: the ranked
// matches), the same on both engines.
export const CODE_CANDIDATE_COLUMNS = `'code' AS kind, hits.rank, c.content, f.project_id AS project, f.path,
  f.language, c.symbol, c.container, c.signature, c.start_line AS "startLine", c.end_line AS "endLine",
  c.file_pk AS "filePk", c.seq, f.updated_at AS timestamp`;
