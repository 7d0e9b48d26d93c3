import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console: React 19 + TypeScript, built to `web/dist`, served by the API (src/api/web.routes.ts).
 * JSX is compiled by Vite's own transformer (automatic runtime); no React plugin is needed for a build.
 * `npm run dev:web` proxies the API to LANDBRIDGE_API (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      '/v1': process.env.LANDBRIDGE_API ?? 'http://127.0.0.1:8080',
      '/docs': process.env.LANDBRIDGE_API ?? 'http://127.0.0.1:8080',
      '/health': process.env.LANDBRIDGE_API ?? 'http://127.0.0.1:8080',
    },
  },
});
