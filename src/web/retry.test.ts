import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { retryQuery } from './retry.js';

/** A client error as the links make one from the server's answer. */
const answered = (httpStatus: number, code: string) =>
  new TRPCClientError('refused', {
    result: { error: { message: 'refused', code: -32000, data: { code, httpStatus } } },
  });

describe('retryQuery', () => {
  it('retries once what may pass: no answer, the server failing, a timeout, a rate limit', () => {
    for (const error of [
      new TypeError('Failed to fetch'),
      new TRPCClientError('Failed to fetch'),
      answered(500, 'INTERNAL_SERVER_ERROR'),
      answered(503, 'SERVICE_UNAVAILABLE'),
      answered(408, 'TIMEOUT'),
      answered(429, 'TOO_MANY_REQUESTS'),
    ]) {
      expect(retryQuery(0, error), error.message).toBe(true);
      expect(retryQuery(1, error), error.message).toBe(false);
    }
  });

  it('never retries an answer that will not change', () => {
    for (const [status, code] of [
      [400, 'BAD_REQUEST'],
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
      [404, 'NOT_FOUND'],
      [409, 'CONFLICT'],
    ] as const) {
      expect(retryQuery(0, answered(status, code)), code).toBe(false);
    }
  });
});
