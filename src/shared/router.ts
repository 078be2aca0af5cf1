// The router's type for clients: a type-only export, so no server code reaches the CLI or the web.
export type { AppRouter } from '../server/routers/_app.js';
