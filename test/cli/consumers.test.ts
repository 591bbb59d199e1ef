/**
 * `tpdrift consumers` (inventory, --against) and `--consumers` on diff, through the CLI's main(), on the real
 * 6.18.44 capture snapshot and small consumer files; and the bad consumer inputs: exit 2 and one line naming
 * the file, or a listed problem in a whole-folder run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = path.join(import.meta.dirname, '../..');
const SNAP = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const POWERTOP = path.join(ROOT, 'examples/consumers/powertop.json');
let tmp: string;

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: tmp });
  return { code, stdout, stderr };
}

const write = (name: string, text: string | Buffer): string => {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-cli-consumers-'));
  write('tools/runqlat.bt', 'tracepoint:sched:sched_switch\n{\n  @[args->next_pid] = 1;\n}\n');
  write('tools/old.bt', 'tracepoint:random:urandom_read\n{\n  @[args->got_bits] = 1;\n}\n');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('tpdrift consumers', () => {
  it('prints the inventory as text and JSON', async () => {
    const text = await run(['consumers', path.join(tmp, 'tools'), POWERTOP]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('runqlat.bt (bpftrace)');
    expect(text.stdout).toMatch(/\s3 {2}sched:sched_switch {2}tracefs by-name {2}next_pid/);
    expect(text.stdout).toContain('3 files read, 3 tools read trace events: 26 uses');
    const json = JSON.parse((await run(['consumers', path.join(tmp, 'tools'), '--format', 'json'])).stdout);
    expect(json.uses.map((u: { tool: string; field: string }) => `${u.tool}.${u.field}`)).toEqual(['old.bt.got_bits', 'runqlat.bt.next_pid']);
    expect(json.summary).toMatchObject({ tools: 2, reading: 2, uses: 2, problems: 0 });
  });
  it('--against: exit 1 when something breaks, the break named at its file and line', async () => {
    const r = await run(['consumers', path.join(tmp, 'tools'), '--against', SNAP]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`old.bt (${path.join(tmp, 'tools/old.bt')}:3): by-name read of field 'got_bits' of random:urandom_read breaks`);
    expect(r.stdout).toContain('consumers: 1 of 2 tools reading trace events affected (old.bt)');
    const ok = await run(['consumers', path.join(tmp, 'tools/runqlat.bt'), '--against', SNAP]);
    expect([ok.code, ok.stdout.trim().split('\n').at(-1)]).toEqual([0, 'no findings']);
  });
  it('--against in JSON, SARIF, Markdown and HTML shows the consumers', async () => {
    const json = JSON.parse((await run(['consumers', path.join(tmp, 'tools'), '--against', SNAP, '-f', 'json'])).stdout);
    expect(json.findings[0]).toMatchObject({ rule: 'consumer-break', consumer: { tool: 'old.bt', line: 3, read: 'by-name' }, cause: 'missing' });
    expect(json.consumers).toMatchObject({ tools: 2, reading: 2, affected: ['old.bt'] });
    const sarif = JSON.parse((await run(['consumers', path.join(tmp, 'tools'), '--against', SNAP, '-f', 'sarif'])).stdout);
    expect(sarif.runs[0].results[0].relatedLocations[0].physicalLocation.region.startLine).toBe(3);
    expect((await run(['consumers', path.join(tmp, 'tools'), '--against', SNAP, '-f', 'markdown'])).stdout).toContain('1 of 2 tools affected');
    expect((await run(['consumers', path.join(tmp, 'tools'), '--against', SNAP, '-f', 'html'])).stdout).toContain('1 of 2 tools affected');
  });
  it('diff --consumers: drift findings list the tools reading what they touch, JSON stays additive', async () => {
    const snap = JSON.parse(fs.readFileSync(SNAP, 'utf8'));
    const sw = snap.events.find((e: { system: string; name: string }) => e.system === 'sched' && e.name === 'sched_switch');
    sw.fields = sw.fields.filter((f: { name: string }) => f.name !== 'next_pid');
    const edited = write('edited.json', JSON.stringify(snap));
    const r = await run(['diff', SNAP, edited, '--consumers', path.join(tmp, 'tools'), '-f', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const removed = out.findings.find((f: { rule: string }) => f.rule === 'field-removed');
    expect(removed.consumers).toEqual([{ tool: 'runqlat.bt', file: path.join(tmp, 'tools/runqlat.bt'), line: 3 }]);
    const brk = out.findings.find((f: { rule: string }) => f.rule === 'consumer-break');
    expect(brk).toMatchObject({ severity: 'error', event: 'sched:sched_switch', field: 'next_pid', cause: 'field-removed' });
    const plain = JSON.parse((await run(['diff', SNAP, edited, '-f', 'json'])).stdout);
    expect(plain.consumers).toBeUndefined();
    expect(plain.findings.find((f: { rule: string }) => f.rule === 'field-removed').consumers).toBeUndefined();
  });
  it('the config file names consumers, relative to the file', async () => {
    const dir = path.join(tmp, 'cfg');
    write('cfg/tpdrift.config.json', JSON.stringify({ consumers: ['../tools'] }));
    let stdout = '';
    const code = await main(['consumers', path.join(tmp, 'tools'), '--against', SNAP, '-f', 'json'], { stdout: (s) => (stdout += s), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: dir });
    expect(code).toBe(1);
    let diffOut = '';
    await main(['diff', SNAP, SNAP, '-f', 'json'], { stdout: (s) => (diffOut += s), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: dir });
    expect(JSON.parse(diffOut).consumers).toMatchObject({ tools: 2, affected: [] });
  });
});

describe('bad consumer input: one line naming the file, exit 2; a listed problem in a folder', () => {
  const cases: { name: string; input: () => string; error: (p: string) => string | RegExp }[] = [
    { name: 'a missing path', input: () => path.join(tmp, 'nope.bt'), error: (p) => `${p}: cannot read: no such file or directory` },
    { name: 'a bpftrace script that does not parse', input: () => write('bad/unclosed.bt', 'tracepoint:sched:sched_switch\n{\n  @x = 1;\n'), error: (p) => `${p}:2: bpftrace script does not parse: a '{' that is never closed` },
    { name: 'a stray closing brace', input: () => write('bad/stray.bt', 'BEGIN { }\n}\n'), error: (p) => `${p}:2: bpftrace script does not parse: a '}' with no probe before it` },
    { name: 'a manifest that is not JSON', input: () => write('bad/m.json', '{"schema": "tpdrift/consumer-manifest@1", "tool": '), error: (p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:1)?: consumer manifest is not valid JSON`) },
    { name: 'a manifest against the schema', input: () => write('bad/k.json', '{"schema": "tpdrift/consumer-manifest@1", "tool": "x", "events": [{"event": "nocolon"}]}'), error: (p) => `${p}: events[0].event: must match pattern "^[A-Za-z0-9_*?.-]*:[A-Za-z0-9_*?.-]+$"` },
    { name: 'a binary no reader claims', input: () => write('bad/blob', Buffer.from([0x00, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), error: (p) => `${p}: not a consumer program tpdrift reads (bpftrace script, bcc Python tool, libbpf-tools binary, .bpf.c source or consumer manifest)` },
    { name: 'an ELF file cut short in its header (the libbpf reader claims ELF files)', input: () => write('bad/elf', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0])), error: (p) => `${p}: truncated ELF header (10 of 64 bytes)` },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const p = c.input();
      for (const args of [['consumers', p], ['diff', SNAP, SNAP, '--consumers', p]]) {
        const r = await run(args);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        const want = c.error(p);
        if (typeof want === 'string') expect(lines[0]).toBe(`tpdrift: ${want}`);
        else expect(lines[0]!.replace(/^tpdrift: /, '')).toMatch(want);
      }
    });
  }
  it('inside a folder, each is a listed problem and the rest is read', async () => {
    write('bad/good.bt', 'tracepoint:sched:sched_switch { @[args->prev_pid] = 1; }\n');
    const r = await run(['consumers', path.join(tmp, 'bad'), '-f', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.uses.map((u: { tool: string }) => u.tool)).toEqual(['good.bt']);
    expect(out.problems.map((p: { file: string }) => path.basename(p.file))).toEqual(['elf', 'k.json', 'm.json', 'stray.bt', 'unclosed.bt']);
  });
});

describe('history --consumers', () => {
  it('says per step which tools the step breaks', async () => {
    const snap = JSON.parse(fs.readFileSync(SNAP, 'utf8'));
    snap.events = snap.events.filter((e: { system: string; name: string }) => !(e.system === 'sched' && e.name === 'sched_switch'));
    const gone = write('history-gone.json', JSON.stringify(snap));
    const r = await run(['history', SNAP, gone, SNAP, '--consumers', path.join(tmp, 'tools/runqlat.bt'), '-f', 'json']);
    expect(r.code).toBe(0);
    const h = JSON.parse(r.stdout);
    expect(h.steps.map((s: { consumers: { affected: string[] } }) => s.consumers.affected)).toEqual([['runqlat.bt'], []]);
    expect(h.steps[0].consumers.breaks[0].message).toContain('sched:sched_switch removed (event-removed)');
  });
});
