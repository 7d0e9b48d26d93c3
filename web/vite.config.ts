import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const DIST = fileURLToPath(new URL('dist', import.meta.url));

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every text asset once the build is done; the
 * server sends the one the browser accepts (src/api/web.routes.ts), so nothing is compressed per request.
 */
function precompress(): Plugin {
  return {
    name: 'landbridge-precompress',
    apply: 'build',
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      for (const file of walk(DIST)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const data = readFileSync(file);
        if (data.length < 1024) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(data, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

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
  plugins: [precompress()],
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
