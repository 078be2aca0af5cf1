// A small fetch over node:http(s) for tRPC's httpBatchLink. Node's global fetch costs a CLI
// process ~60 ms on first use and keeps it alive ~80 ms after the response; this costs neither.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface MiniResponse {
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}

export interface FetchOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal | null;
}

/** `timeoutMs` bounds each request from start to the last byte of the response. */
export function createHttpFetch(timeoutMs: number) {
  return (input: string | URL | Request, init: FetchOptions = {}): Promise<MiniResponse> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const body = typeof init.body === 'string' ? init.body : undefined;
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          headers: { ...init.headers, ...(body ? { 'content-length': Buffer.byteLength(body) } : {}) },
          // No keep-alive: the process can exit the moment the response is read.
          agent: false,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300,
              status,
              json: async () => {
                try {
                  return JSON.parse(text) as unknown;
                } catch {
                  throw new HttpStatusError(
                    status,
                    `the server answered HTTP ${status} without a tRPC response`,
                  );
                }
              },
            });
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')));
      req.end(body);
    });
}
