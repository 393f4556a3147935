import { staticAdapter } from '@builder.io/qwik-city/adapters/static/vite';
import { extendConfig } from '@builder.io/qwik-city/vite';
import baseConfig from '../../vite.config.ts';

// Pre-renders every route to web/dist/**/index.html. Pages hold no per-user data at build time:
// they load it in the browser from the same-origin API (see web/README.md).
export default extendConfig(baseConfig, () => ({
  build: { ssr: true, outDir: '.qwik/server', rollupOptions: { input: ['@qwik-city-plan'] } },
  plugins: [staticAdapter({ origin: 'http://localhost' })],
}));
