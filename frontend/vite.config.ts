import { DEFAULT_PORTS } from '@metalmart/contracts';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** The dev and preview servers' port; a bad value stops the server with a message naming the variable. */
function frontendPort(value = process.env.FRONTEND_PORT): number {
  if (value === undefined || value === '') return DEFAULT_PORTS.frontend;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`FRONTEND_PORT must be an integer between 1 and 65535, got "${value}"`);
  }
  return port;
}

// `/api` goes to the Order Service: the local one by default, or a port-forwarded cluster service
// (`VITE_PROXY_TARGET=http://127.0.0.1:55587 npm run dev`).
// `/stack` goes to the local stack runner of `npm start` (processor scaling) and `/jaeger` to Jaeger's query
// API (the trace view); each only when the runner says where, so a bare `npm run dev` answers them with 404s.
const stackUrl = process.env.VITE_STACK_URL;
const traceViewerUrl = process.env.VITE_TRACE_VIEWER_URL;
const proxy = {
  '/api': {
    target: process.env.VITE_PROXY_TARGET || `http://127.0.0.1:${DEFAULT_PORTS.orderService}`,
    changeOrigin: true,
  },
  ...(stackUrl ? { '/stack': { target: stackUrl, changeOrigin: true } } : {}),
  ...(traceViewerUrl
    ? {
        '/jaeger': {
          target: traceViewerUrl,
          changeOrigin: true,
          rewrite: (path: string) => path.replace(/^\/jaeger/, ''),
        },
      }
    : {}),
};
const port = frontendPort();

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port, strictPort: true, proxy },
  build: { outDir: 'dist', sourcemap: true },
  test: {
    name: 'frontend',
    environment: 'jsdom',
    include: ['test/**/*.test.tsx'],
    setupFiles: ['test/setup.ts'],
  },
});
