// @vitest-environment node
// DESIGN.md: src/ipc/ is the only folder that imports @tauri-apps/*. Enforced here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('.', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|svelte)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

it('only src/ipc imports @tauri-apps', () => {
  const files = sourceFiles(srcDir);
  expect(files.length).toBeGreaterThan(3);
  const offenders = files
    .filter((f) => !relative(srcDir, f).startsWith(`ipc${sep}`))
    .filter((f) => /from\s+['"]@tauri-apps\/|import\(\s*['"]@tauri-apps\//.test(readFileSync(f, 'utf8')));
  expect(offenders.map((f) => relative(srcDir, f))).toEqual([]);
});

it('the ipc folder is where the Tauri API is used', () => {
  const ipc = readFileSync(join(srcDir, 'ipc', 'index.ts'), 'utf8');
  expect(ipc).toMatch(/from '@tauri-apps\/api\/core'/);
});
