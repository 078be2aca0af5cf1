// When a failed query is asked again: once, after react-query's delay (1 s), for a failure that may
// pass (the network, the server's own error), never for an answer that will not change (not found,
// not signed in, refused): the page shows it at once rather than a second later.

/** The HTTP status of a tRPC client error (`error.data.httpStatus`), if it has one. */
function httpStatus(error: unknown): number | undefined {
  const data = (error as { data?: { httpStatus?: unknown } } | null)?.data;
  return typeof data?.httpStatus === 'number' ? data.httpStatus : undefined;
}

/** react-query's `retry` for the web's queries: at most one retry, none for a 4xx but 408 and 429. */
export function retryQuery(failureCount: number, error: unknown): boolean {
  if (failureCount >= 1) return false;
  const status = httpStatus(error);
  if (status === undefined) return true;
  return status >= 500 || status === 408 || status === 429;
}
