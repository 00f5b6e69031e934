/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// Tauri loads http://localhost:5173 in `tauri dev` and the built ui/dist otherwise.
export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false, // keep the Rust compiler's output visible under `tauri dev`
  server: {
    port: 5173,
    strictPort: true, // tauri.conf.json's devUrl names this port
    watch: { ignored: ['**/src-tauri/**', '**/target/**'] },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022', // WebKitGTK 2.40+ / WebView2 / Safari 16 all run it
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
});
