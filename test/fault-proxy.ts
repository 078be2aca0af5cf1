// An HTTP proxy on loopback that misbehaves on purpose, request by request: it drops responses
// after the server has done the work, delays requests and responses, sends a request to the server
// twice (one after the other, or both at once), and holds a request back so that a later one
// overtakes it. Each fault is drawn at random with the given weights from a seeded generator, so a
// failing run can be repeated with its seed.
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';

export type Fault = 'pass' | 'drop' | 'delay' | 'duplicate' | 'duplicate-concurrent' | 'reorder';

export interface FaultWeights {
  pass: number;
  drop: number;
  delay: number;
  duplicate: number;
  'duplicate-concurrent': number;
  reorder: number;
}

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FaultProxy {
  private server: Server | undefined;
  private held: (() => void) | undefined;
  private state: number;
  readonly counts: Record<Fault, number> = {
    pass: 0,
    drop: 0,
    delay: 0,
    duplicate: 0,
    'duplicate-concurrent': 0,
    reorder: 0,
  };
  port = 0;
  /** Set false to let everything through (to drain at the end). */
  faulty = true;

  constructor(
    private readonly targetPort: number,
    private readonly weights: FaultWeights,
    readonly seed: number,
  ) {
    this.state = seed % 2147483647 || 1;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private random(): number {
    this.state = (this.state * 48271) % 2147483647;
    return this.state / 2147483647;
  }

  private draw(): Fault {
    if (!this.faulty) return 'pass';
    const entries = Object.entries(this.weights) as [Fault, number][];
    let pick = this.random() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [fault, weight] of entries) {
      pick -= weight;
      if (pick < 0) return fault;
    }
    return 'pass';
  }

  private forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: this.targetPort,
          method,
          path,
          headers: { ...headers, connection: 'close' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const fault = this.draw();
        this.counts[fault]++;
        const send = (method = req.method ?? 'GET') =>
          this.forward(method, req.url ?? '/', req.headers, body);
        const handle = async (): Promise<Upstream | 'drop'> => {
          // A request that arrives while another is held lets the held one go after it.
          const release = this.held;
          this.held = undefined;
          try {
            switch (fault) {
              case 'pass':
                return await send();
              case 'drop':
                await send();
                return 'drop';
              case 'delay':
                await sleep(this.random() * 300);
                return await send().then(async (answer) => {
                  await sleep(this.random() * 300);
                  return answer;
                });
              case 'duplicate':
                await send();
                return await send();
              case 'duplicate-concurrent':
                return (await Promise.all([send(), send()]))[1];
              case 'reorder':
                await new Promise<void>((resolve) => {
                  const timer = setTimeout(resolve, 250);
                  this.held = () => {
                    clearTimeout(timer);
                    resolve();
                  };
                });
                return await send();
            }
          } finally {
            release?.();
          }
        };
        handle().then(
          (answer) => {
            if (answer === 'drop') {
              req.socket.destroy();
              return;
            }
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            delete headers.connection;
            headers['content-length'] = String(answer.body.length);
            res.writeHead(answer.status, headers);
            res.end(answer.body);
          },
          () => req.socket.destroy(),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    this.held?.();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
