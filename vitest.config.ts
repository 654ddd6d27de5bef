import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests run against the TypeScript sources; test/packaging checks the built output separately.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@kairos\/xapi$/, replacement: src('./packages/xapi/src/index.ts') },
      { find: /^@kairos\/sdk$/, replacement: src('./packages/sdk/src/index.ts') },
      {
        find: /^@kairos\/elements\/quiz-definition\.js$/,
        replacement: src('./packages/elements/src/quiz-definition.ts'),
      },
      { find: /^@kairos\/elements$/, replacement: src('./packages/elements/src/index.ts') },
      { find: /^@kairos\/server$/, replacement: src('./packages/server/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
  },
});
