// The web's API client: the router's type only, through @trpc/tanstack-react-query.
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import type { AppRouter } from '../shared/router.js';
import { transformer } from '../shared/transformer.js';
import { retryQuery } from './retry.js';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: retryQuery, staleTime: 0 } },
});

/** Sent with every call: the server takes the session cookie only from this site's own pages. */
const headers = { 'x-vlt-web': '1' };

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      // Event streams cannot carry headers; the browser's Sec-Fetch-Site tells the server instead.
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url: '/trpc', transformer }),
      false: splitLink({
        // The server never batches auth.*: each login attempt is a request of its own.
        condition: (op) => op.path.startsWith('auth.'),
        true: httpLink({ url: '/trpc', transformer, headers }),
        false: httpBatchLink({ url: '/trpc', transformer, headers, maxItems: 10 }),
      }),
    }),
  ],
});
