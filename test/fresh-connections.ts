// Every fetch of the test processes on a connection of its own (`connection: close` unless the call
// sets one). The suites run `vlt` and `vlt-server` commands with spawnSync, which blocks this
// process for seconds; a kept-alive connection the server closed meanwhile (its keep-alive is 5 s)
// would be handed to the next call before this process had read the close, and that call would
// fail with "other side closed". A vitest setup file, so it holds in every suite; it runs before
// each file, and files share a process where they are not isolated: the wrapper is put on once.
const WRAPPED = Symbol.for('vlt.test.fresh-connections');
const current = globalThis.fetch as typeof fetch & { [WRAPPED]?: true };

if (!current[WRAPPED]) {
  const original = current;
  const wrapped = (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    if (!headers.has('connection')) headers.set('connection', 'close');
    return original(input, { ...init, headers });
  };
  globalThis.fetch = Object.assign(wrapped, { [WRAPPED]: true as const });
}
