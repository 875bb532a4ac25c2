import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console is served by each province's edge at `/`, on the same origin as the API. In
 * development `npm run dev -w @yrd/console` proxies the API to a running demo's origin
 * (上海 by default; YRD_CONSOLE_API picks another, e.g. http://127.0.0.1:7330 for 浙江).
 */
const api = process.env.YRD_CONSOLE_API ?? 'http://127.0.0.1:7310';

/**
 * React and the router are needed by every page and change seldom: one chunk of their own, kept in
 * the cache across releases of the console. Everything else is split by the route-level
 * React.lazy imports (app/router.tsx): antd's components land in the chunks of the pages that use
 * them, so the first page does not load the code of the others.
 */
const vendorGroups = [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ }];

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, changeOrigin: true },
      '/healthz': { target: api, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // the limit the issue sets is on gzipped bytes (300 KB); this warns on the raw size of any one chunk
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
});
