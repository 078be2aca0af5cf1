// `npm run check`: the type check, the lint (with the room rules) and the format check, side by
// side (each is one process on one core; together about half their time in a row on two cores).
// Each one's output is printed whole when it ends, under its name; the exit is non-zero when any
// failed. `npm run typecheck`, `npm run lint` and `npm run format:check` run one alone.
import { spawn } from 'node:child_process';

const CHECKS = [
  ['typecheck', 'tsc', ['--noEmit', '-p', 'tsconfig.json']],
  ['lint', 'eslint', ['.']],
  ['format:check', 'prettier', ['--check', '.']],
];

const started = Date.now();
const results = await Promise.all(
  CHECKS.map(
    ([name, bin, args]) =>
      new Promise((resolve) => {
        const child = spawn(`node_modules/.bin/${bin}`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => (output += d));
        child.stderr.on('data', (d) => (output += d));
        child.on('error', (error) => resolve({ name, code: 1, output: `${error.message}\n`, ms: 0 }));
        child.on('close', (code) => {
          const result = { name, code: code ?? 1, output, ms: Date.now() - started };
          process.stdout.write(`${code === 0 ? 'ok' : 'FAILED'}: ${name} (${bin}) in ${result.ms} ms\n`);
          if (code !== 0 || output.trim())
            process.stdout.write(output.endsWith('\n') || !output ? output : `${output}\n`);
          resolve(result);
        });
      }),
  ),
);
const failed = results.filter((r) => r.code !== 0).map((r) => r.name);
if (failed.length) {
  process.stderr.write(`check: ${failed.join(', ')} failed (above); fix them and run npm run check again\n`);
  process.exit(1);
}
