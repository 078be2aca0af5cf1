// The upload requests of a synced folder: under the request budget and the server's file count.
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_FILES } from '../../shared/manifest.js';
import { uploadBatches } from './folder.js';

describe('uploadBatches', () => {
  it('splits many small files at the most files one upload takes', () => {
    const files = Array.from({ length: 2 * MAX_UPLOAD_FILES + 500 }, (_, i) => ({
      path: `f${i}.md`,
      text: 'x',
    }));
    const batches = uploadBatches(files, (f) => f, '[notes] exclude');
    expect(batches.map((b) => b.length)).toEqual([MAX_UPLOAD_FILES, MAX_UPLOAD_FILES, 500]);
    expect(batches.flat()).toEqual(files.map((_, i) => i));
  });

  it('splits large files by the request budget, and refuses one that cannot fit a request', () => {
    const big = 'y'.repeat(400_000);
    const files = Array.from({ length: 5 }, (_, i) => ({ path: `big${i}.md`, text: big }));
    const batches = uploadBatches(files, (f) => f, '[notes] exclude');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(() =>
      uploadBatches([{ path: 'huge.md', text: 'z'.repeat(2_000_000) }], (f) => f, '[notes] exclude'),
    ).toThrow(/huge\.md takes \d+ bytes once encoded for upload, over the 1 MiB request limit/);
  });
});
