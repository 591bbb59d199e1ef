import { defineConfig } from 'vitest/config';

// The suite over real Debian kernel trees (`npm run kernels` fetches them; `npm run test:kernels` runs it).
export default defineConfig({
  test: {
    include: ['test/kernels/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
