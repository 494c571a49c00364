import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Paths are relative to the project root, where `npm run build:renderer` runs. A relative base
// lets the same build load from app:// in Electron and from the harness over http.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
  },
});
