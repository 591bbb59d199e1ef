/**
 * The bad-input catalog for consumer programs: each bad file given by name gets exit 2 and one stderr line
 * `tpdrift: FILE[:LINE]: MESSAGE` (through `consumers` and through `diff --consumers`), nothing on stdout;
 * inside a whole-folder run each is a listed problem and the rest is read. And a property: truncating or
 * corrupting a script anywhere makes the readers return or throw an InputError, never anything else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBpftrace } from '../../src/consumers/bpftrace/index.js';
import { readBcc } from '../../src/consumers/bcc/index.js';
import { readManifest } from '../../src/consumers/manifest/index.js';
import { InputError } from '../../src/errors.js';
import { expectOneErrorLine, fileWriter, runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
const SNAP = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const POWERTOP = path.join(ROOT, 'examples/consumers/powertop.json');
let tmp: string;

const run = (args: string[]) => runCli(args, { cwd: tmp });

const write = fileWriter(() => tmp);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-bad-consumers-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('bad consumer input: one line naming the file, exit 2; a listed problem in a folder', () => {
  const cases: { name: string; input: () => string; error: (p: string) => string | RegExp }[] = [
    { name: 'a missing path', input: () => path.join(tmp, 'nope.bt'), error: (p) => `${p}: cannot read: no such file or directory` },
    { name: 'a bpftrace script that does not parse', input: () => write('bad/unclosed.bt', 'tracepoint:sched:sched_switch\n{\n  @x = 1;\n'), error: (p) => `${p}:2: bpftrace script does not parse: a '{' that is never closed` },
    { name: 'a stray closing brace', input: () => write('bad/stray.bt', 'BEGIN { }\n}\n'), error: (p) => `${p}:2: bpftrace script does not parse: a '}' with no probe before it` },
    { name: 'a manifest that is not JSON', input: () => write('bad/m.json', '{"schema": "tpdrift/consumer-manifest@1", "tool": '), error: (p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:1)?: consumer manifest is not valid JSON`) },
    { name: 'a manifest against the schema', input: () => write('bad/k.json', '{"schema": "tpdrift/consumer-manifest@1", "tool": "x", "events": [{"event": "nocolon"}]}'), error: (p) => `${p}: events[0].event: must match pattern "^[A-Za-z0-9_*?.-]*:[A-Za-z0-9_*?.-]+$"` },
    { name: 'a bcc tool whose C text never closes', input: () => write('bad/open-bpfcc', '#!/usr/bin/python3\nfrom bcc import BPF\ntext = """\nTRACEPOINT_PROBE(a, b) { return 0; }\n'), error: (p) => `${p}:3: bcc Python tool does not parse: a triple-quoted string that is never closed` },
    { name: 'a .bt file holding binary data', input: () => write('bad/bin.bt', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1])), error: (p) => `${p}: binary data (NUL byte) in a bpftrace script` },
    { name: 'a binary no reader claims', input: () => write('bad/blob', Buffer.from([0x00, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), error: (p) => `${p}: not a consumer program tpdrift reads (bpftrace script, bcc Python tool, libbpf-tools binary, .bpf.c source or consumer manifest)` },
    { name: 'an ELF file cut short in its header (the libbpf reader claims ELF files)', input: () => write('bad/elf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), error: (p) => `${p}: truncated ELF header (10 of 64 bytes)` },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const p = c.input();
      for (const args of [['consumers', p], ['diff', SNAP, SNAP, '--consumers', p]]) {
        expectOneErrorLine(await run(args), c.error(p));
      }
    });
  }
  it('inside a folder, each is a listed problem and the rest is read', async () => {
    write('bad/good.bt', 'tracepoint:sched:sched_switch { @[args->prev_pid] = 1; }\n');
    const r = await run(['consumers', path.join(tmp, 'bad'), '-f', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.uses.map((u: { tool: string }) => u.tool)).toEqual(['good.bt']);
    expect(out.problems.map((p: { file: string }) => path.basename(p.file))).toEqual(['bin.bt', 'elf', 'k.json', 'm.json', 'open-bpfcc', 'stray.bt', 'unclosed.bt']);
  });
});


const BT = `tracepoint:sched:sched_switch
/args->prev_state == 0/
{
  @[args->next_pid] = count();
}
rawtracepoint:sched_wakeup { @w[arg0] = 1; }
struct foo { int a; };
uretprobe:/bin/bash:readline /pid == 1/ { printf("%s\\n", str(retval)); }
`;
const BCC = `#!/usr/bin/python3
from bcc import BPF
text = """
struct args_t { u64 __unused__; u32 pid; char comm[16]; };
int on_exit(struct args_t *args) { return args->pid; }
TRACEPOINT_PROBE(sched, sched_process_exit) { return args->pid; }
RAW_TRACEPOINT_PROBE(sched_switch) { return (int)ctx->args[1]; }
"""
if BPF.tracepoint_exists("sched", "sched_process_exit"):
    b = BPF(text=text)
b.attach_tracepoint(tp="sched:sched_process_free", fn_name="on_exit")
`;

describe('readers never fail other than with an InputError', () => {
  const readers = [
    { name: 'bpftrace', text: BT, read: readBpftrace },
    { name: 'bcc', text: BCC, read: readBcc },
    { name: 'manifest', text: fs.readFileSync(POWERTOP, 'utf8'), read: readManifest },
  ];
  for (const r of readers) {
    it(`${r.name}: every truncation and a fixed set of byte corruptions`, () => {
      let rejected = 0;
      let seed = 1;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const inputs: string[] = [];
      for (let i = 0; i <= r.text.length; i += Math.max(1, Math.floor(r.text.length / 400))) inputs.push(r.text.slice(0, i));
      for (let k = 0; k < 300; k++) {
        const chars = r.text.split('');
        const at = Math.floor(rand() * chars.length);
        chars[at] = '{}()/"\'*:,#\n'[Math.floor(rand() * 12)]!;
        inputs.push(chars.join(''));
      }
      for (const text of inputs) {
        try {
          r.read({ path: 'x', data: Buffer.from(text) });
        } catch (e) {
          if (!(e instanceof InputError)) throw new Error(`${r.name} threw ${String(e)} on ${JSON.stringify(text.slice(0, 80))}`);
          expect(e.describe()).toMatch(/^x(:\d+)?: /);
          rejected++;
        }
      }
      // Both outcomes occur: the mutations are not all harmless, nor all fatal.
      expect(rejected).toBeGreaterThan(0);
      expect(rejected).toBeLessThan(inputs.length);
    });
  }
});
