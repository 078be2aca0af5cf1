// The web UI: built into dist/web, which vlt-server serves at /. `npm run dev` proxies the API.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true },
  server: { proxy: { '/trpc': process.env.VLT_DEV_API ?? 'http://127.0.0.1:8000' } },
});
