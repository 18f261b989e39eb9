import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Boxes that hakmem new-box writes import hakmem/contracts. In Node, composition's resolve hook hands them
    // the running contracts (composition/src/contracts-redirect.ts); vitest resolves modules itself.
    alias: [{ find: /^hakmem\/contracts$/, replacement: fileURLToPath(new URL('./contracts/src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/temp-root.ts'],
  },
});
