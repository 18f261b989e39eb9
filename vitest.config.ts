import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Boxes that hakmem new-box writes import hakmem/contracts. In Node, composition's loader hook hands them
    // the process's own contracts (composition/src/contracts-for-boxes.ts); vitest resolves modules itself.
    alias: [{ find: /^hakmem\/contracts$/, replacement: fileURLToPath(new URL('./contracts/src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
