// A stand-in for a hostile vlt-server on loopback: tRPC's HTTP wire format (batched, superjson),
// answering each procedure with what a test chooses, and keeping every call it received (with its
// Authorization header) so a test can see what the CLI sent it.
import { createServer, type Server } from 'node:http';
import superjson, { type SuperJSONResult } from 'superjson';

export interface ReceivedCall {
  path: string;
  input: unknown;
  authorization: string | undefined;
}

/** What a procedure answers: data, or a tRPC error with its code. */
export type FakeAnswer = { data: unknown } | { error: { code: string; message: string } };

const HTTP_STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INTERNAL_SERVER_ERROR: 500,
};

export class FakeServer {
  readonly calls: ReceivedCall[] = [];
  /** By procedure path; a procedure without an answer is UNAUTHORIZED, as for a caller without a token. */
  readonly answers = new Map<string, (input: unknown) => FakeAnswer>();
  private server: Server | undefined;
  url = '';

  answer(path: string, answer: FakeAnswer | ((input: unknown) => FakeAnswer)): void {
    this.answers.set(path, typeof answer === 'function' ? answer : () => answer);
  }

  /** Every Authorization header this server has seen. */
  get authorizations(): string[] {
    return this.calls.flatMap((c) => (c.authorization === undefined ? [] : [c.authorization]));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const paths = decodeURIComponent(url.pathname.replace(/^\/trpc\//, '')).split(',');
        const raw = req.method === 'GET' ? url.searchParams.get('input') : body || null;
        // Batched calls (`?batch=1`) carry their inputs by index; a single call carries its own.
        const batched = url.searchParams.get('batch') === '1';
        const parsed = raw === null ? {} : (JSON.parse(raw) as Record<string, SuperJSONResult | undefined>);
        const inputs = batched
          ? parsed
          : { 0: raw === null ? undefined : (parsed as unknown as SuperJSONResult) };
        const results = paths.map((path, i) => {
          const wire = inputs[String(i)];
          const input = wire ? superjson.deserialize(wire) : undefined;
          this.calls.push({ path, input, authorization: req.headers.authorization });
          const answer = this.answers.get(path)?.(input) ?? {
            error: { code: 'UNAUTHORIZED', message: 'no token' },
          };
          if ('data' in answer) return { result: { data: superjson.serialize(answer.data) } };
          const httpStatus = HTTP_STATUS[answer.error.code] ?? 500;
          return {
            error: superjson.serialize({
              message: answer.error.message,
              code: -32000,
              data: { code: answer.error.code, httpStatus, path },
            }),
          };
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(batched ? results : results[0]));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
