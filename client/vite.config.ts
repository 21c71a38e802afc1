import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const target = process.env.STOA_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  plugins: [precompress()],
  build: { outDir: fileURLToPath(new URL('../dist/client', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  server: {
    port: 5173,
    // `npm run dev`: the API and the live socket go to the Fastify server, whose PUBLIC_URL is this dev
    // server's address (set by the dev script) so that the Origin check passes and invite links open here.
    // client/api/*.ts (the typed fetch wrappers) is served by Vite at /api/*.ts too: those stay with Vite.
    proxy: {
      '/api': { target, ws: true, changeOrigin: false, bypass: (req) => (/^\/api\/[^?]*\.ts(\?|$)/.test(req.url ?? '') ? req.url : undefined) },
      '/healthz': target,
      '/readyz': target,
    },
  },
});
