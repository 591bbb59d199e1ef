/**
 * The word size a kernel's formats show, on the public captures (real 32-bit ARM, i686, arm64 and x86_64
 * kernels) and the Debian tree snapshots, and the warning a diff across architectures gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSource } from '../../src/sources/registry.js';
import { wordSize } from '../../src/model/arch.js';
import { unpackPublicCaptures } from '../helpers/captures.js';
import { runCli } from '../helpers/cli.js';

const CAPTURE_618 = 'test/fixtures/tracefs-linux-6.18.44-x86_64.tar.gz';
const SNAP_612 = 'snapshots/debian-linux-source-6.12.117.json.gz';
let pub: string;
beforeAll(() => {
  pub = unpackPublicCaptures();
});
afterAll(() => fs.rmSync(pub, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args);

describe('word size from the formats', () => {
  it.each([
    ['tracedat-labsisop-4.13.9-i686', 4],
    ['tracedat-hebel23-4.14.15-wega-armv7l', 4],
    ['tracedat-elainecole-4.14.62-v7-armv7l', 4],
    ['perfetto-hammerhead-3.4.0', 4], // Nexus 5, 32-bit ARM
    ['perfetto-flounder_lte-3.10.40', 8], // Nexus 9, arm64
    ['perfetto-raven-5.10.43', 8],
    ['tracedat-langraph-5.15.0-50-generic-ubuntu', 8],
  ])('%s: %d-byte long', async (name, size) => {
    expect(wordSize((await loadSource(path.join(pub, name))).snapshot)).toBe(size);
  });

  it('the x86_64 capture and the Debian tree predictions: 8', async () => {
    expect(wordSize((await loadSource(CAPTURE_618)).snapshot)).toBe(8);
    expect(wordSize((await loadSource(SNAP_612)).snapshot)).toBe(8);
  });
});

describe('a diff across architectures says so', () => {
  it('i686 and 32-bit ARM against x86_64 warn, once, on stderr', async () => {
    for (const name of ['tracedat-labsisop-4.13.9-i686', 'tracedat-hebel23-4.14.15-wega-armv7l']) {
      const r = await run(['diff', path.join(pub, name), SNAP_612, '--summary', '--fail-on', 'none']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        'tpdrift: warning: the sides are built for different architectures (old: 4-byte long; new: x86_64, 8-byte long): sizes and offsets of long, pointer and aligned fields differ by construction, not by a kernel change\n',
      );
    }
  });

  it('arm64 against x86_64 (both 8-byte long, the capture names no architecture) does not', async () => {
    const r = await run(['diff', path.join(pub, 'perfetto-raven-5.10.43'), CAPTURE_618, '--summary', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
  });
});
