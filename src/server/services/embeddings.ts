// Optional semantic retrieval: an OpenAI-compatible /embeddings endpoint (VLT_EMBEDDINGS_BASE_URL,
// VLT_EMBEDDINGS_MODEL, VLT_EMBEDDINGS_API_KEY; see env.ts). Entries are embedded on demand, stored per model,
// and searched by cosine similarity; the Oracle fuses that ranking with bm25's.
import { sql } from 'drizzle-orm';
import type { ServerDb } from '../db/index.js';

export interface EmbeddingsConfig {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  /** Weight of the semantic ranking in the fusion (bm25's is 1). */
  weight: number;
  timeoutMs: number;
}

export class EmbeddingsError extends Error {}

const BACKFILL_PER_ASK = 512;
const BATCH = 64;

export class Embeddings {
  constructor(
    private readonly db: ServerDb,
    readonly config: EmbeddingsConfig,
  ) {}

  private async embed(texts: string[]): Promise<Float32Array[]> {
    let response: Response;
    try {
      response = await fetch(`${this.config.baseUrl}/embeddings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.config.model, input: texts }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      throw new EmbeddingsError(`the embeddings endpoint could not be reached (${(error as Error).message})`);
    }
    if (!response.ok) throw new EmbeddingsError(`the embeddings endpoint answered HTTP ${response.status}`);
    const body = (await response.json().catch(() => null)) as {
      data?: { index?: number; embedding?: number[] }[];
    } | null;
    const data = body?.data;
    if (!Array.isArray(data) || data.length !== texts.length) {
      throw new EmbeddingsError('the embeddings endpoint returned no embeddings');
    }
    return [...data]
      .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
      .map((d) => Float32Array.from(d.embedding ?? []));
  }

  /** Embeds (a bounded number of) the user's entries that have no embedding for this model yet. */
  async backfill(userId: string): Promise<void> {
    const missing = await this.db.all<{ pk: number; content: string }>(sql`
      SELECT e.pk, e.content FROM entries e
      WHERE e.user_id = ${userId}
        AND NOT EXISTS (SELECT 1 FROM entry_embeddings x WHERE x.entry_pk = e.pk AND x.model = ${this.config.model})
      ORDER BY e.pk LIMIT ${BACKFILL_PER_ASK}`);
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      const vectors = await this.embed(batch.map((e) => e.content));
      await this.db.transaction(async (tx) => {
        for (const [j, entry] of batch.entries()) {
          await tx.run(sql`
            INSERT INTO entry_embeddings (entry_pk, user_id, model, vector)
            VALUES (${entry.pk}, ${userId}, ${this.config.model}, ${Buffer.from(vectors[j]!.buffer)})
            ON CONFLICT (entry_pk, model) DO UPDATE SET vector = excluded.vector`);
        }
      });
    }
  }

  /** The user's entries most similar to the question: entry pks, best first. */
  async nearest(userId: string, question: string, limit: number, projectId?: string): Promise<number[]> {
    await this.backfill(userId);
    const [query] = await this.embed([question]);
    const rows = await this.db.all<{ pk: number; vector: Buffer | Uint8Array }>(sql`
      SELECT x.entry_pk AS pk, x.vector FROM entry_embeddings x
      ${projectId ? sql`JOIN entries e ON e.pk = x.entry_pk JOIN threads t ON t.pk = e.thread_pk AND t.project_id = ${projectId}` : sql``}
      WHERE x.user_id = ${userId} AND x.model = ${this.config.model}`);
    const scored = rows.map((row) => {
      // Copied: a driver's bytes need not be aligned for a Float32Array view.
      const bytes = Uint8Array.from(row.vector);
      const vector = new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
      return { pk: row.pk, similarity: cosine(query!, vector) };
    });
    return scored
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, limit)
      .map((s) => s.pk);
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
