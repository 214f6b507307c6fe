import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

// Eight pages: the attendee watch page, the speaker page, the interpreters' booth page, the console (Preact), the
// front page, the embeddable player, the delegate's desk and the desk's online meeting room. The server serves
// dist/admin-ui under /ui and answers /watch/:eventId/:stageId, /speak/:eventId/:stageId, /interpret/:eventId/:stageId,
// /admin, /embed/:eventId/:stageId, /desk/:eventId, /meet/:eventId/:meetingId and / with the HTML, so every asset URL
// must be absolute under /ui/ (the page's own path says nothing about where its assets are).
export default defineConfig({
  root,
  base: '/ui/',
  publicDir: false,
  // Preact's JSX runtime; without this the transform would import React's.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/admin-ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      input: {
        watch: page('watch.html'),
        speak: page('speak.html'),
        interpret: page('interpret.html'),
        admin: page('admin.html'),
        home: page('home.html'),
        embed: page('embed.html'),
        meet: page('meet.html'),
        desk: page('desk.html'),
      },
    },
  },
});
