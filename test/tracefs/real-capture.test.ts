import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTracefs, readCaptureFiles, snapshotFromCapture } from '../../src/sources/tracefs/reader.js';
import { parseFormat } from '../../src/sources/tracefs/format.js';
import { serializeSnapshot } from '../../src/model/canonical.js';
import { CAPTURE_6_18, capture618, unpackCapture618, unpackPublicCaptures } from '../helpers/captures.js';

/** Counts `field:` lines the way a human would read the file, independently of the parser. */
function countFieldLines(text: string): { common: number; payload: number } {
  const decls = text.split('\n').filter((l) => /^\s*field:/.test(l)).map((l) => /field:([^;]*);/.exec(l)![1]!);
  const common = decls.filter((d) => /\bcommon_\w+$/.test(d.trim())).length;
  return { common, payload: decls.length - common };
}

describe('the real 6.18.44 x86_64 capture', () => {
  it('reads all 2,323 events, every field of every file', async () => {
    const c = await capture618();
    const snap = snapshotFromCapture(c);
    expect(snap.events).toHaveLength(2323);
    expect(snap.kernel).toMatchObject({ kind: 'tracefs', release: '6.18.44', arch: 'x86_64' });
    const byKey = new Map(snap.events.map((e) => [`${e.system}/${e.name}`, e]));
    for (const [key, buf] of c.files) {
      if (!key.endsWith('/format')) continue;
      const [, sys, name] = key.split('/');
      const counts = countFieldLines(buf.toString('utf8'));
      const ev = byKey.get(`${sys}/${name}`)!;
      expect(ev.fields.length, key).toBe(counts.payload);
      expect((ev.common ?? snap.header.common).length, key).toBe(counts.common);
    }
  });

  it('keeps the common header once, with header_page and header_event', async () => {
    const snap = snapshotFromCapture(await capture618());
    expect(snap.header.common.map((f) => `${f.type} ${f.name}@${f.offset}/${f.size}`)).toEqual([
      'unsigned short common_type@0/2',
      'unsigned char common_flags@2/1',
      'unsigned char common_preempt_count@3/1',
      'int common_pid@4/4',
    ]);
    expect(snap.events.filter((e) => e.common)).toHaveLength(0);
    expect(snap.header.page?.map((f) => f.name)).toEqual(['timestamp', 'commit', 'overwrite', 'data']);
    expect(snap.header.event?.[0]).toBe('# compressed entry header');
  });

  it('reads every field form the kernel prints', async () => {
    const snap = snapshotFromCapture(await capture618());
    const ev = (k: string) => snap.events.find((e) => `${e.system}:${e.name}` === k)!;
    expect(ev('sched:sched_switch').fields[0]).toEqual({ name: 'prev_comm', type: 'char', array: 16, size: 16, offset: 8, signed: false });
    expect(ev('ftrace:function').fields[2]).toEqual({ name: 'args', type: 'unsigned long', array: '[]', size: 0, offset: 24, signed: false });
    const dyn = snap.events.flatMap((e) => e.fields).find((f) => f.dynamic === 'data_loc')!;
    expect(dyn).toMatchObject({ type: 'char', array: '[]', size: 4 });
    expect(ev('syscalls:sys_enter_openat').kind).toBe('syscall');
    expect(ev('syscalls:sys_enter_openat').fields.map((f) => f.type)).toEqual(['int', 'int', 'const char *', 'int', 'umode_t']);
    expect(ev('sched:sched_wakeup').print).toEqual({
      fmt: 'comm=%s pid=%d prio=%d target_cpu=%03d',
      args: ['REC->comm', 'REC->pid', 'REC->prio', 'REC->target_cpu'],
    });
  });

  it('reads the same snapshot from the archive and from the unpacked directory, in either layout', async () => {
    const dir = unpackCapture618();
    try {
      const fromTar = serializeSnapshot(await loadTracefs(CAPTURE_6_18));
      const fromDir = await loadTracefs(dir);
      const fromEvents = await loadTracefs(path.join(dir, 'events'));
      // The source label differs (archive name vs directory); everything else is identical.
      const strip = (s: string) => s.replace(/"source": "[^"]*"/, '');
      expect(strip(serializeSnapshot(fromDir))).toBe(strip(fromTar));
      expect(fromEvents.events).toEqual(fromDir.events);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the 28 public captures (Android 3.4–5.10, ARM boards, i686, Ubuntu 5.15)', () => {
  let root: string;
  beforeAll(() => {
    root = unpackPublicCaptures();
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads every one of the 11,178 format files', async () => {
    const captures = fs.readdirSync(root).filter((d) => fs.statSync(path.join(root, d)).isDirectory()).sort();
    expect(captures).toHaveLength(28);
    let files = 0;
    let events = 0;
    const problems: string[] = [];
    for (const name of captures) {
      const c = await readCaptureFiles(path.join(root, name));
      const snap = snapshotFromCapture(c);
      files += [...c.files.keys()].filter((k) => k.endsWith('/format')).length;
      events += snap.events.length;
      problems.push(...(snap.problems ?? []).map((p) => `${name}/${p.file}: ${p.message}`));
      for (const [key, buf] of c.files) {
        if (!key.endsWith('/format') || key.split('/').length !== 4) continue;
        const parsed = parseFormat(buf.toString('utf8'), key);
        expect(parsed.fields.length, `${name}/${key}`).toBe(countFieldLines(buf.toString('utf8')).common + countFieldLines(buf.toString('utf8')).payload);
      }
    }
    expect(files).toBe(11178);
    // One hand-maintained set has an empty `format` file at the system level: reported, not read as an event.
    expect(problems).toEqual([
      'perfetto-synthetic-unknownkernel/events/trusty/format: a format file outside events/<system>/<event>/: not an event, not read',
    ]);
    expect(events).toBe(11177);
  });

  it('keeps 3.4’s common_padding and 32-bit sizes as printed', async () => {
    const snap = await loadTracefs(path.join(root, 'perfetto-hammerhead-3.4.0'));
    expect(snap.header.common.map((f) => f.name)).toContain('common_padding');
    const free = snap.events.find((e) => e.name === 'mm_page_free')!;
    expect(free.fields[0]).toMatchObject({ name: 'page', type: 'struct page *', size: 4, offset: 12 });
  });
});
