import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/kernels/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The unit tests read hundreds of small temporary trees: their caches go to a directory of the tests' own
    // (reused between runs; writes are atomic), not the user's ~/.cache/tpdrift/parse, where they would push
    // real trees' scans out.
    env: { TPDRIFT_PARSE_CACHE: path.join(os.tmpdir(), 'tpdrift-test-cache') },
  },
});
