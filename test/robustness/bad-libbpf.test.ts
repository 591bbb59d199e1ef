/**
 * The bad-input catalog for libbpf consumer binaries and BPF objects, through the CLI: given directly, exit 2
 * and one stderr line naming the file and where in it; inside a folder, a listed problem while the rest is read.
 * The objects are built in the test (test/consumers/bpf-object-builder.ts), embedded in a host ELF the way a
 * skeleton embeds them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BtfBuilder } from '../btf/builder.js';
import { asm, buildBpfObject, encode } from '../consumers/bpf-object-builder.js';
import { expectOneErrorLine, runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
const SNAP = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
let tmp: string;

const run = (args: string[]) => runCli(args, { cwd: tmp });

function object(ext?: Buffer): Buffer {
  const b = new BtfBuilder();
  b.int('int', 4, { signed: true });
  return buildBpfObject([{ section: 'tp_btf/sched_wakeup', funcs: [{ name: 'wakeup', start: 0, count: 2, global: true }], code: encode([asm.ldxdw(2, 1, 0), asm.exit()]) }], b, ext ? { ext } : {});
}

/** A host ELF (x86-64) carrying `obj` 4 KiB in, as a skeleton binary's read-only data does. */
function host(obj: Buffer): Buffer {
  const pre = Buffer.alloc(4096);
  pre.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  pre.writeUInt16LE(62, 18);
  return Buffer.concat([pre, obj, Buffer.alloc(64)]);
}

const write = (name: string, data: Buffer): string => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  return p;
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bad-libbpf-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CASES: { name: string; input: () => string; error: (p: string) => string | RegExp }[] = [
  { name: 'an ELF binary with no BPF object in it', input: () => write('bin/ls', host(Buffer.alloc(0))), error: (p) => `${p}: no embedded BPF object (no ELF with e_machine 247 in it): not a libbpf tool` },
  {
    name: 'a skeleton binary cut inside its embedded object',
    input: () => write('bin/cut', host(object()).subarray(0, 4096 + 200)),
    error: (p) => `${p}: BPF object at offset 4096: its section header table ends at byte ${4096 + object().readUInt32LE(40) + object().readUInt16LE(60) * 64}, past the end of the file (4296 bytes)`,
  },
  {
    name: 'an embedded object whose .BTF.ext has a bad magic',
    input: () => write('bin/badext', host(object(Buffer.from([0x11, 0x22, 1, 0, 32, 0, 0, 0, ...Array(24).fill(0)])))),
    error: (p) => `${p}: BPF object at offset 4096: .BTF.ext at byte 0: bad .BTF.ext magic 0x2211`,
  },
  {
    name: 'a .BTF.ext whose line info runs past its end',
    input: () => {
      const ext = Buffer.alloc(32 + 12);
      ext.writeUInt16LE(0xeb9f, 0);
      ext.writeUInt8(1, 2);
      ext.writeUInt32LE(32, 4);
      ext.writeUInt32LE(0, 16);
      ext.writeUInt32LE(12, 20);
      ext.writeUInt32LE(16, 32);
      ext.writeUInt32LE(1, 36);
      ext.writeUInt32LE(9, 40);
      return write('obj/lines.bpf.o', object(ext));
    },
    error: (p) => `${p}: BPF object: .BTF.ext at byte 36: line_info: 9 records of 16 bytes run past the block end`,
  },
  {
    name: 'a BPF object whose program section is not whole instructions',
    input: () => {
      const o = object();
      // Shrink the program section's sh_size (section 1) by 3 bytes.
      const shoff = Number(o.readBigUInt64LE(40));
      o.writeBigUInt64LE(13n, shoff + 64 + 32);
      return write('obj/odd.bpf.o', o);
    },
    error: (p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: BPF object: section tp_btf/sched_wakeup \\(file offset \\d+\\): instruction section size 13 is not a multiple of 8$`),
  },
];

describe('bad libbpf input: exit 2, one line naming the file and where', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const p = c.input();
      for (const args of [['consumers', p], ['consumers', p, '--against', SNAP], ['diff', SNAP, SNAP, '--consumers', p]]) {
        expectOneErrorLine(await run(args), c.error(p));
      }
    });
  }

  it('in a folder, each is a listed problem and the good binary is read', async () => {
    for (const c of CASES) c.input();
    write('bin/runqlat', host(object()));
    const r = await run(['consumers', path.join(tmp, 'bin'), path.join(tmp, 'obj'), '-f', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.uses.map((u: { tool: string; event: string; arg: number }) => [u.tool, u.event, u.arg])).toEqual([['runqlat', ':sched_wakeup', 0]]);
    expect(out.problems.map((p: { file: string }) => path.basename(p.file))).toEqual(['badext', 'cut', 'ls', 'lines.bpf.o', 'odd.bpf.o']);
  });
});
