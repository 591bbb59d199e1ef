import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTracefs } from '../../src/sources/tracefs/reader.js';
import { encodeSnapshot, readSnapshot } from '../../src/sources/snapshot-file.js';
import { serializeSnapshot } from '../../src/model/canonical.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { loadSource } from '../../src/sources/registry.js';
import { CAPTURE_6_18 } from '../helpers/captures.js';
import { TOOL_VERSION } from '../../src/version.js';

const COMMITTED = fileURLToPath(new URL('../../snapshots/linux-6.18.44-x86_64.tracefs.json', import.meta.url));

describe('snapshots', () => {
  it('are byte-identical across runs, as .json and as .json.gz', async () => {
    const a = await loadTracefs(CAPTURE_6_18);
    const b = await loadTracefs(CAPTURE_6_18);
    expect(serializeSnapshot(a)).toBe(serializeSnapshot(b));
    expect(encodeSnapshot(a, 'x.json.gz').equals(encodeSnapshot(b, 'x.json.gz'))).toBe(true);
  });

  it('the committed snapshot of the real capture is what extraction produces now', async () => {
    const fresh = serializeSnapshot(await loadTracefs(CAPTURE_6_18));
    expect(fs.readFileSync(COMMITTED, 'utf8')).toBe(fresh);
  });

  it('round-trip: a snapshot diffed against the source it came from yields zero findings', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-snap-'));
    try {
      const src = await loadTracefs(CAPTURE_6_18);
      for (const name of ['s.json', 's.json.gz']) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, encodeSnapshot(src, file));
        const back = readSnapshot(file);
        expect(back).toEqual(src);
        expect(runDiff(compareSnapshots(back, src))).toEqual([]);
        expect(runDiff(compareSnapshots(src, back))).toEqual([]);
      }
      // .json.gz really is gzip, and the same JSON inside.
      const gz = fs.readFileSync(path.join(dir, 's.json.gz'));
      expect(zlib.gunzipSync(gz).toString('utf8')).toBe(fs.readFileSync(path.join(dir, 's.json'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a snapshot saved with a UTF-8 byte-order mark (as some editors save JSON), as it reads the file without', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-snap-'));
    try {
      const file = path.join(dir, 'bom.json');
      fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(COMMITTED)]));
      expect(readSnapshot(file)).toEqual(readSnapshot(COMMITTED));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads as a source by extension, keeping the kind it was made from', async () => {
    const s = await loadSource(COMMITTED);
    expect(s.kind).toBe('snapshot');
    expect(s.snapshot.kernel.kind).toBe('tracefs');
    expect(s.snapshot.events).toHaveLength(2323);
  });

  it('keeps the tool version equal to package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });

  it('writes one field per line, so that git diffs of snapshots read well', async () => {
    const text = serializeSnapshot(await loadTracefs(CAPTURE_6_18));
    expect(text).toContain('{"name": "prev_comm", "type": "char", "array": 16, "size": 16, "offset": 8, "signed": false}');
  });
});
