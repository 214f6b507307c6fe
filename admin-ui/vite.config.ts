import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

// Two plain pages, no framework. The server serves dist/admin-ui under /ui and answers
// /watch/:eventId/:stageId and /speak/:eventId/:stageId with the HTML, so every asset URL must be
// absolute under /ui/ (the page's own path says nothing about where its assets are).
export default defineConfig({
  root,
  base: '/ui/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/admin-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      input: {
        watch: page('watch.html'),
        speak: page('speak.html'),
      },
    },
  },
});
