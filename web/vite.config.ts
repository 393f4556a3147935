import { defineConfig } from 'vite';
import { qwikVite } from '@builder.io/qwik/optimizer';
import { qwikCity } from '@builder.io/qwik-city/vite';

// Client build of the UI. `npm run dev -w @berth/web` proxies /api to an edge on :8787 so the
// browser still sees one origin, as it does when the edge serves web/dist.
export default defineConfig(() => ({
  plugins: [qwikCity({ trailingSlash: true }), qwikVite()],
  server: { proxy: { '/api': { target: 'http://localhost:8787', changeOrigin: false } } },
  preview: { headers: { 'Cache-Control': 'public, max-age=600' } },
}));
