/**
 * Resource bounds, each hit on purpose: the 1 MiB cap on a format file (directory and archive), and the caps
 * on macro expansion in a kernel tree (depth, output size, steps). A cap ends the read of that one input with
 * a clear message (exit 2 for a capture; a reported problem for a header in a whole-tree run, the rest of the
 * tree still read) and costs bounded time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTree } from '../../src/sources/tree/index.js';
import { capture618 } from '../helpers/captures.js';
import { tarGz } from './tar-builder.js';
import { runCli } from '../helpers/cli.js';

const SWITCH = 'events/sched/sched_switch/format';
const CAP = 1 << 20;
let tmp: string;
let realSwitch: string;

const run = (args: string[]) => runCli(args, { cwd: tmp });

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bounds-'));
  realSwitch = (await capture618()).files.get(SWITCH)!.toString('utf8');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A capture directory holding only sched_switch, `pad` bytes of trailing blank lines added. */
function captureOf(name: string, text: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, path.dirname(SWITCH)), { recursive: true });
  fs.writeFileSync(path.join(dir, SWITCH), text);
  return dir;
}

describe('the 1 MiB cap on a format file', () => {
  // Blank lines before `print fmt:` keep the file a valid format file of exactly the size wanted.
  const padded = (size: number) => {
    const at = realSwitch.indexOf('print fmt:');
    const pad = size - Buffer.byteLength(realSwitch);
    return realSwitch.slice(0, at) + '\n'.repeat(pad) + realSwitch.slice(at);
  };

  it('exactly 1 MiB is read', async () => {
    const dir = captureOf('at-cap', padded(CAP));
    expect(fs.statSync(path.join(dir, SWITCH)).size).toBe(CAP);
    const r = await run(['extract', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).events[0].name).toBe('sched_switch');
  });

  it('one byte more is refused, naming the file, in well under a second', async () => {
    const dir = captureOf('over-cap', padded(CAP + 1));
    const t0 = performance.now();
    const r = await run(['extract', dir]);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tpdrift: ${dir}/${SWITCH}: larger than ${CAP} bytes: not a format file\n`);
  });

  it('the same cap applies to archive members', async () => {
    const ok = path.join(tmp, 'at-cap.tar.gz');
    fs.writeFileSync(ok, tarGz([{ name: SWITCH, text: padded(CAP) }]));
    expect((await run(['extract', ok])).code).toBe(0);
    const big = path.join(tmp, 'over-cap.tar.gz');
    fs.writeFileSync(big, tarGz([{ name: SWITCH, text: padded(CAP + 1) }]));
    const r = await run(['extract', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tpdrift: ${big}: archive member '${SWITCH}' is larger than ${CAP} bytes\n`);
  });
});

describe('macro expansion caps in a kernel tree: a reported problem, the rest read', () => {
  const event = (name: string, type = 'int') =>
    `TRACE_EVENT(${name},\n\tTP_PROTO(int a),\n\tTP_ARGS(a),\n\tTP_STRUCT__entry(\n\t\t__field(${type}, a)\n\t),\n\tTP_fast_assign(\n\t\t__entry->a = a;\n\t),\n\tTP_printk("a=%d", __entry->a)\n);\n`;
  const header = (system: string, body: string) => `#undef TRACE_SYSTEM\n#define TRACE_SYSTEM ${system}\n${body}`;

  async function treeWith(name: string, files: Record<string, string>) {
    const root = path.join(tmp, name);
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), text);
    }
    fs.mkdirSync(path.join(root, 'kernel'), { recursive: true });
    const t0 = performance.now();
    const snap = await loadTree(root, { workers: 0 });
    return { snap, ms: performance.now() - t0 };
  }

  it('depth: a chain of 100 helper macros stops at 64 levels', async () => {
    const chain = Array.from({ length: 100 }, (_, i) => `#define M${i}(x) M${i + 1}(x)\n`).join('') + '#define M100(x) x\n';
    const { snap, ms } = await treeWith('depth', {
      'include/trace/events/good.h': header('good', event('good_one')),
      'include/trace/events/deep.h': header('deep', chain + event('deep_one', 'M0(int)') + event('deep_ok')),
    });
    expect(ms).toBeLessThan(5000);
    const names = snap.events.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['good_one', 'deep_ok']));
    expect(names).not.toContain('deep_one');
    expect(snap.problems).toContainEqual(expect.objectContaining({ file: 'include/trace/events/deep.h', message: expect.stringMatching(/deeper than 64 levels/) }));
  });

  it('size: macros that double their argument 30 times stop at 2 MiB of text', async () => {
    const doubling = Array.from({ length: 30 }, (_, i) => `#define D${i + 1}(x) D${i}(x) D${i}(x)\n`).join('');
    const { snap, ms } = await treeWith('size', {
      'include/trace/events/good.h': header('good', event('good_one')),
      'include/trace/events/big.h': header('big', `#define D0(x) x\n${doubling}` + event('big_one', 'D30(int)') + event('big_ok')),
    });
    expect(ms).toBeLessThan(10_000);
    const names = snap.events.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['good_one', 'big_ok']));
    expect(names).not.toContain('big_one');
    expect(snap.problems).toContainEqual(
      expect.objectContaining({ file: 'include/trace/events/big.h', message: expect.stringMatching(/larger than 2097152 characters|more than 200000 macro expansions/) }),
    );
  });
});
