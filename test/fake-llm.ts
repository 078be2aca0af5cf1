// A small OpenAI-compatible chat server on loopback for the Oracle's LLM path: real HTTP, real
// JSON and server-sent events, with behaviours a test can switch.
import { createServer, type Server } from 'node:http';

export type Behaviour = 'cite' | 'cite-nowhere' | 'slow' | 'error' | 'garbage';

export class FakeLlm {
  behaviour: Behaviour = 'cite';
  requests: {
    model: string;
    messages: { role: string; content: string }[];
    stream: boolean;
    auth: string;
  }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
          res.writeHead(404).end();
          return;
        }
        const request = JSON.parse(body) as {
          model: string;
          messages: { role: string; content: string }[];
          stream?: boolean;
        };
        this.requests.push({
          ...request,
          stream: Boolean(request.stream),
          auth: req.headers.authorization ?? '',
        });
        const answer = this.answerFor(request.messages.at(-1)?.content ?? '');
        if (this.behaviour === 'error') {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"boom"}}');
          return;
        }
        if (this.behaviour === 'garbage') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
          return;
        }
        const send = () => {
          if (!request.stream) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: answer } }] }),
            );
            return;
          }
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const piece of answer.match(/.{1,12}/gs) ?? []) {
            res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
          }
          res.end('data: [DONE]\n\n');
        };
        if (this.behaviour === 'slow') setTimeout(send, 3000);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  }

  /** Quotes the first source's first sentence and cites it, plus a source that does not exist. */
  private answerFor(prompt: string): string {
    const first = /\[1\][^\n]*\n([^\n]+)/.exec(prompt)?.[1] ?? 'nothing';
    const sentence = first.split(/(?<=[.!?])\s/)[0];
    if (this.behaviour === 'cite-nowhere') return `${sentence} [9]`;
    return `According to the notes, ${sentence} [1] [7]`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
