/** The parsed-header cache (src/sources/tree/parse-cache.ts) never changes a result: cold, warm or damaged. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFileModel } from '../../src/sources/tree/filemodel.js';
import { cachedFileModel, defaultParseCacheDir } from '../../src/sources/tree/parse-cache.js';
import { loadTree } from '../../src/sources/tree/index.js';
import { KEPT_TREES } from '../../src/sources/tree/scan-cache.js';
import { serializeSnapshot } from '../../src/model/canonical.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-parse-cache-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HEADER = `#undef TRACE_SYSTEM
#define TRACE_SYSTEM demo
#if !defined(_TRACE_DEMO_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_DEMO_H
#include <linux/tracepoint.h>
#ifdef CONFIG_DEMO
TRACE_EVENT(demo_x, TP_PROTO(int a), TP_ARGS(a), TP_STRUCT__entry(__field(int, a)), TP_fast_assign(__entry->a = a;), TP_printk("a=%d # é", __entry->a));
#endif
#endif
#include <trace/define_trace.h>
`;

const files = (d: string): string[] => (fs.existsSync(d) ? fs.readdirSync(d, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : []);

describe('parse cache', () => {
  it('gives what buildFileModel gives, cold and warm, and stores one entry', () => {
    const fresh = buildFileModel('include/trace/events/demo.h', HEADER);
    const cold = cachedFileModel('include/trace/events/demo.h', HEADER, dir);
    expect(cold).toEqual(fresh);
    expect(files(dir)).toHaveLength(1);
    const warm = cachedFileModel('include/trace/events/demo.h', HEADER, dir);
    expect(warm).toEqual(fresh);
    expect(files(dir)).toHaveLength(1);
  });

  it('keys by path and content: another path or one changed byte is another entry', () => {
    cachedFileModel('include/trace/events/other.h', HEADER, dir);
    cachedFileModel('include/trace/events/demo.h', HEADER.replace('int a', 'long a'), dir);
    expect(files(dir)).toHaveLength(3);
  });

  it('a damaged or foreign entry is ignored and replaced', () => {
    for (const f of files(dir)) fs.writeFileSync(path.join(dir, f), '{"file": "x", "text": 1');
    expect(cachedFileModel('include/trace/events/demo.h', HEADER, dir)).toEqual(buildFileModel('include/trace/events/demo.h', HEADER));
    for (const f of files(dir)) fs.writeFileSync(path.join(dir, f), JSON.stringify({ file: 'elsewhere.h', text: '', lineStarts: [], directives: [], branches: [], problems: [] }));
    expect(cachedFileModel('include/trace/events/demo.h', HEADER, dir)).toEqual(buildFileModel('include/trace/events/demo.h', HEADER));
  });

  it('an unwritable cache only costs speed', () => {
    const file = path.join(dir, 'not-a-dir');
    fs.writeFileSync(file, '');
    expect(cachedFileModel('include/trace/events/demo.h', HEADER, file)).toEqual(buildFileModel('include/trace/events/demo.h', HEADER));
  });

  it('a tree reads the same with the cache off, cold and warm', async () => {
    const root = path.join(import.meta.dirname, '../fixtures/tree/basic');
    const cache = path.join(dir, 'tree');
    const off = serializeSnapshot(await loadTree(root, { parseCache: false, workers: 0 }));
    expect(serializeSnapshot(await loadTree(root, { parseCache: cache, workers: 0 }))).toBe(off);
    expect(files(cache).length).toBeGreaterThan(0);
    expect(serializeSnapshot(await loadTree(root, { parseCache: cache, workers: 0 }))).toBe(off);
  });

  it('units: a warm run takes stored results, and a change in any file a unit read is seen', async () => {
    const root = path.join(dir, 'unit-tree');
    const events = path.join(root, 'include/trace/events');
    fs.mkdirSync(events, { recursive: true });
    // The event's fields come from a macro of a header the unit includes: only the include holds the change.
    fs.writeFileSync(path.join(events, 'demo_fields.h'), '#define DEMO_FIELDS __field(int, a)\n');
    fs.writeFileSync(
      path.join(events, 'demo.h'),
      '#define TRACE_SYSTEM demo\n#include "demo_fields.h"\nTRACE_EVENT(demo_x, TP_PROTO(int a), TP_ARGS(a), TP_STRUCT__entry(DEMO_FIELDS), TP_fast_assign(__entry->a = a;), TP_printk("a=%d", __entry->a));\n',
    );
    const cache = path.join(dir, 'unit-cache');
    const read = async (parseCache: string | false) => serializeSnapshot(await loadTree(root, { parseCache, workers: 0 }));
    const units = () => (fs.existsSync(path.join(cache, 'units')) ? fs.readdirSync(path.join(cache, 'units'), { recursive: true }).map(String).filter((f) => f.endsWith('.v8')) : []);

    const off = await read(false);
    expect(off).toContain('"type": "int"');
    expect(await read(cache)).toBe(off);
    expect(units()).toHaveLength(1);
    expect(await read(cache)).toBe(off); // warm

    fs.writeFileSync(path.join(events, 'demo_fields.h'), '#define DEMO_FIELDS __field(long, a)\n');
    const changed = await read(false);
    expect(changed).toContain('"type": "long"');
    expect(await read(cache)).toBe(changed);

    // A damaged entry is read again, not trusted.
    for (const f of units()) fs.writeFileSync(path.join(cache, 'units', f), 'not a v8 value');
    expect(await read(cache)).toBe(changed);
  });

  it('scans: a re-run reads only files whose size, times or inode changed, and never trusts a file changed just before the cache was written', async () => {
    const root = path.join(dir, 'scan-tree');
    fs.mkdirSync(path.join(root, 'include/trace/events'), { recursive: true });
    fs.mkdirSync(path.join(root, 'kernel'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'include/trace/events/demo.h'),
      '#define TRACE_SYSTEM demo\nTRACE_EVENT(demo_x, TP_PROTO(int a), TP_ARGS(a), TP_STRUCT__entry(__field(int, a)), TP_fast_assign(__entry->a = a;), TP_printk("a=%d", __entry->a));\n',
    );
    const caller = path.join(root, 'kernel/demo.c');
    fs.writeFileSync(caller, 'void f(void) { trace_demo_x(1); }\n');
    const cache = path.join(dir, 'scan-cache');
    const run = async (parseCache: string | false) => {
      const snap = await loadTree(root, { parseCache, workers: 0 });
      return { text: serializeSnapshot(snap), calls: snap.events[0]!.calls };
    };
    // The stored scans of a tree are one file, rewritten (a new inode) only when a run read some file again.
    const entry = () => {
      const d = path.join(cache, 'scans');
      const [only] = fs.readdirSync(d).filter((f) => f.endsWith('.v8'));
      return fs.statSync(path.join(d, only!)).ino;
    };

    // Files written a moment ago are read again on the next run (their times are too close to the cache's).
    await run(cache);
    const first = entry();
    await run(cache);
    expect(entry()).not.toBe(first);
    await new Promise((r) => setTimeout(r, 1100));
    await run(cache);
    const settled = entry();
    const warm = await run(cache);
    expect(entry()).toBe(settled); // nothing read again, nothing rewritten
    expect(warm.text).toBe((await run(false)).text);

    fs.appendFileSync(caller, 'void g(void) { trace_demo_x(2); }\n');
    const changed = await run(cache);
    expect(entry()).not.toBe(settled);
    expect(changed.calls).toEqual({ count: 2 });
    expect(changed.text).toBe((await run(false)).text);
  });

  it('scans: only the most recently used trees are kept', async () => {
    const cache = path.join(dir, 'evict-cache');
    const scans = () => fs.readdirSync(path.join(cache, 'scans')).filter((f) => f.endsWith('.v8'));
    const tree = (i: number) => {
      const root = path.join(dir, `evict-tree-${i}`);
      fs.mkdirSync(path.join(root, 'kernel'), { recursive: true });
      fs.writeFileSync(path.join(root, 'kernel/a.c'), `void f(void) { trace_x_${i}(1); }\n`);
      return root;
    };
    const first = tree(0);
    await loadTree(first, { parseCache: cache, workers: 0 });
    const firstEntry = scans();
    expect(firstEntry).toHaveLength(1);
    for (let i = 1; i <= KEPT_TREES + 3; i++) {
      await loadTree(tree(i), { parseCache: cache, workers: 0 });
      // Using the first tree again keeps its entry among the recent ones.
      await new Promise((r) => setTimeout(r, 5));
      await loadTree(first, { parseCache: cache, workers: 0 });
    }
    expect(scans()).toHaveLength(KEPT_TREES);
    expect(scans()).toContain(firstEntry[0]);
  });

  it('TPDRIFT_PARSE_CACHE picks the place or turns it off', () => {
    expect(defaultParseCacheDir({ TPDRIFT_PARSE_CACHE: '0' })).toBeUndefined();
    expect(defaultParseCacheDir({ TPDRIFT_PARSE_CACHE: '/x/y' })).toBe('/x/y');
    expect(defaultParseCacheDir({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'tpdrift', 'parse'));
  });
});
