// Sign in or sign up: both set the session cookie.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc.js';
import { ErrorBox } from '../ui.js';

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const done = { onSuccess: () => queryClient.invalidateQueries() };
  const login = useMutation(trpc.auth.login.mutationOptions(done));
  const signup = useMutation(trpc.auth.signup.mutationOptions(done));
  const active = mode === 'login' ? login : signup;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    active.mutate({ username, password });
  };
  return (
    <main className="signin">
      <h1>vlt</h1>
      <p className="muted">Long-term memory for developers and their agents.</p>
      <form onSubmit={submit} aria-label={mode === 'login' ? 'Sign in' : 'Sign up'}>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {active.error && <ErrorBox error={active.error} />}
        <button type="submit" disabled={active.isPending}>
          {mode === 'login' ? 'Sign in' : 'Create account'}
        </button>
      </form>
      <button type="button" className="link" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>
        {mode === 'login' ? 'No account? Sign up' : 'Have an account? Sign in'}
      </button>
    </main>
  );
}
