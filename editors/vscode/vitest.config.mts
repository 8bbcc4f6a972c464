import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// 'vscode' exists only inside the editor: unit tests get a small hand-written stand-in.
export default defineConfig({
  test: { include: ['test/unit/**/*.test.ts'] },
  resolve: { alias: { vscode: fileURLToPath(new URL('./test/unit/vscode.ts', import.meta.url)) } },
});
