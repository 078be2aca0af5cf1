// A small OpenAI-compatible /embeddings server on loopback: each text becomes a vector of
// "concepts" from a fixed table, so a test knows which texts a model would call similar.
import { createServer, type Server } from 'node:http';

export class FakeEmbeddings {
  failing = false;
  calls = 0;
  inputs = 0;
  url = '';
  private server: Server | undefined;

  constructor(private readonly concepts: RegExp[]) {}

  vector(text: string): number[] {
    return [...this.concepts.map((c) => (c.test(text) ? 1 : 0)), 0.05];
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.calls++;
        if (this.failing || req.url !== '/v1/embeddings') {
          res.writeHead(this.failing ? 503 : 404).end();
          return;
        }
        const { input } = JSON.parse(body) as { input: string[] };
        this.inputs += input.length;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ data: input.map((text, index) => ({ index, embedding: this.vector(text) })) }),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
