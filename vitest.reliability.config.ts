import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: attacks and faults against the real server process. Files run one
 * after another (they measure; two at once would measure each other), with generous timeouts since
 * each starts processes on a busy box. `npm test` does not include `reliability/`.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['reliability/**/*.test.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    allowOnly: false,
    globalSetup: ['reliability/support/figuresGlobalSetup.ts'],
  },
});
