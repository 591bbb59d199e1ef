import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

it('the text report renders every finding of a real two-tree diff (Debian 6.1 → 6.12 snapshots)', async () => {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['diff', 'snapshots/debian-linux-source-6.1.176.json.gz', 'snapshots/debian-linux-source-6.12.117.json.gz'],
    { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: process.cwd() },
  );
  expect(stderr).toBe('');
  expect(code).toBe(1);
  // condition-changed carries null for "unconditional": shown as (none), not a crash.
  expect(stdout).toContain("condition-changed  now defined under 'defined(CONFIG_BUFFER_HEAD)' (was unconditional)  include/trace/events/block.h:67\n      (none) → defined(CONFIG_BUFFER_HEAD)\n");
  expect(stdout).toMatch(/^\d+ errors, \d+ warnings, \d+ info$/m);
});
