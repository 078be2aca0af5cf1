// Asking the Oracle from the CLI (`vlt oracle`, and `vlt mcp`'s tool): the server's answer, or,
// with `local`, or when the server cannot be reached, the same retrieval and extractive answer
// over the local vault, saying which.
import { usageError, VltError } from '../shared/errors.js';
import type { SentSource } from '../shared/oracle.js';
import type { VltCommand } from './base.js';

/** A source as the server sends it: an entry or a note chunk, without its text. */
export type OracleSourceView = SentSource;

export interface OracleResult {
  answer: string;
  /** The server's mode (`extractive`, `llm`, `extractive-fallback`), or `local`. */
  mode: string;
  note: string | null;
  sources: OracleSourceView[];
}

export async function askOracle(
  command: VltCommand,
  input: {
    question: string;
    project: string | undefined;
    limit: number;
    local: boolean;
    /** Only entries with this tag (notes are left out). */
    tag?: string | undefined;
  },
): Promise<OracleResult> {
  const { question, project, limit, tag } = input;
  let localReason = input.local ? '--local' : undefined;
  if (!input.local) {
    const { api, connection } = await import('./sync/run.js');
    const { classify } = await import('./sync/client.js');
    const conn = connection(command);
    if (!conn.token) localReason = `not logged in to ${conn.origin}`;
    else {
      try {
        const answer = await api(conn, 15_000).oracle.ask.mutate({
          question,
          limit,
          ...(project ? { projectId: project } : {}),
          ...(tag ? { tag } : {}),
        });
        // A server from before notes sends entries without their kind.
        return {
          ...answer,
          sources: (answer.sources as SentSource[]).map((s) =>
            s.kind === 'note' || s.kind === 'code' ? s : { ...s, kind: 'entry' as const },
          ),
        };
      } catch (error) {
        const failure = classify(error);
        if (failure.kind === 'rejected' || failure.kind === 'too-large') throw usageError(failure.message);
        if (failure.kind === 'invalid') throw new VltError(failure.message);
        localReason =
          failure.kind === 'unauthorized'
            ? 'the server refused the token'
            : `server unreachable: ${failure.message}`;
      }
    }
  }
  const { composeExtractive } = await import('../shared/oracle.js');
  const vault = await command.optionalVault();
  const { terms, sources } = (await vault?.oracleSources(question, { project, limit, tag })) ?? {
    terms: [],
    sources: [],
  };
  return {
    answer: composeExtractive(terms, sources),
    mode: 'local',
    note: `answered from the local vault (${localReason})`,
    sources: sources.map(({ content: _content, context: _context, ...source }) => source as SentSource),
  };
}
