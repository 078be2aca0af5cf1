// API tokens for the CLI: create (shown once, with the command to use it), list, revoke (after a
// confirmation: a revoked token stops a machine syncing at once). And "Download my data": the
// user's threads in vlt's export format, which `vlt import` reads.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { trpcClient, useTRPC } from '../trpc.js';
import { ErrorBox, Loading, When } from '../ui.js';

/**
 * A label that tells tokens apart before the user names one: this browser's system and the time,
 * as `Linux · 30 Nov 2026, 08:46`.
 */
function defaultLabel(): string {
  const agent = navigator as Navigator & { userAgentData?: { platform?: string } };
  const system = agent.userAgentData?.platform || navigator.platform || 'browser';
  const at = new Date().toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return `${system} · ${at}`.slice(0, 64);
}

/** Every page of `threads.export`, as one JSONL file the browser saves. */
function DownloadData() {
  const [state, setState] = useState<{ busy: boolean; lines: number; error: Error | null }>({
    busy: false,
    lines: 0,
    error: null,
  });
  const download = async () => {
    setState({ busy: true, lines: 0, error: null });
    try {
      const lines: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await trpcClient.threads.export.query(cursor === undefined ? {} : { cursor });
        lines.push(...page.lines);
        setState((s) => ({ ...s, lines: lines.length }));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const url = URL.createObjectURL(new Blob([`${lines.join('\n')}\n`], { type: 'application/x-ndjson' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `vlt-export-${new Date().toISOString().slice(0, 10)}.jsonl`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setState({ busy: false, lines: lines.length, error: null });
    } catch (error) {
      setState({ busy: false, lines: 0, error: error instanceof Error ? error : new Error(String(error)) });
    }
  };
  return (
    <>
      <h2>Your data</h2>
      <p className="muted hint">
        Every thread and entry the server keeps for you, as vlt's JSONL export: <code>vlt import</code> reads
        it into any vault.
      </p>
      <button type="button" onClick={() => void download()} disabled={state.busy}>
        {state.busy ? `Preparing… (${state.lines} lines)` : 'Download my data'}
      </button>
      {state.error && <ErrorBox error={state.error} />}
    </>
  );
}

export function SettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [name, setName] = useState(defaultLabel);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [days, setDays] = useState('90');
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: () => {
        setName(defaultLabel());
        return refresh();
      },
    }),
  );
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => {
        setConfirming(null);
        return refresh();
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, ...(days ? { expiresDays: Number(days) } : {}) });
  };
  // The token is pasted when asked (unechoed), never typed on the command line: shell history keeps that.
  const command = `vlt config set server.url ${window.location.origin} && vlt config set sync.token -`;
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <h2>API tokens</h2>
      <form onSubmit={submit} className="ask">
        <label className="grow">
          Label
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="laptop, ci-agent …"
            aria-describedby="label-hint"
            required
            maxLength={64}
          />
        </label>
        <label>
          Expires in days
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <p id="label-hint" className="muted hint">
        Name the machine or agent that will use the token, so that you know which one to revoke.
      </p>
      {create.error && <ErrorBox error={create.error} />}
      {create.data && (
        <div className="created" role="status">
          <p>Copy it now: it is shown only once.</p>
          <pre data-testid="new-token">{create.data.token}</pre>
          <button type="button" onClick={() => navigator.clipboard?.writeText(create.data.token)}>
            Copy token
          </button>
          <p>Then, in your terminal, and paste the token when asked:</p>
          <pre>{command}</pre>
          <p className="muted">or: vlt auth login --server {window.location.origin} --username …</p>
        </div>
      )}
      {tokens.isPending ? (
        <Loading />
      ) : tokens.isError ? (
        <ErrorBox error={tokens.error} retry={() => tokens.refetch()} />
      ) : (
        <table className="tokens">
          <thead>
            <tr>
              <th>Label</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.data.tokens.map((t) => (
              <tr key={t.id}>
                <td className="label">{t.name}</td>
                <td data-label="Created">
                  <When date={t.createdAt} />
                </td>
                <td data-label="Last used">{t.lastUsedAt ? <When date={t.lastUsedAt} /> : 'never'}</td>
                <td data-label="Expires">
                  {t.expiresAt ? t.expiresAt.toLocaleDateString(undefined, { dateStyle: 'medium' }) : 'never'}
                </td>
                <td className="actions">
                  {confirming === t.id ? (
                    <span className="confirm" role="group" aria-label={`Revoke ${t.name}?`}>
                      <span>Machines using it stop syncing.</span>
                      <button
                        type="button"
                        className="danger"
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ id: t.id })}
                        aria-label={`Yes, revoke ${t.name}`}
                      >
                        Yes, revoke
                      </button>
                      <button type="button" onClick={() => setConfirming(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" onClick={() => setConfirming(t.id)} aria-label={`Revoke ${t.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <DownloadData />
    </section>
  );
}
