/**
 * `tpdrift consumers` (inventory, --against) and `--consumers` on diff, through the CLI's main(), on the real
 * 6.18.44 capture snapshot and small consumer files. The bad consumer inputs are in test/robustness/consumers.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fileWriter, runCli } from '../helpers/cli.js';

const ROOT = path.join(import.meta.dirname, '../..');
const SNAP = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const POWERTOP = path.join(ROOT, 'examples/consumers/powertop.json');
let tmp: string;

const run = (args: string[]) => runCli(args, { cwd: tmp });

const write = fileWriter(() => tmp);

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
    // A GitHub annotation names the tool too, on a line of its own in the annotation (%0A).
    const gh = (await run(['diff', SNAP, edited, '--consumers', path.join(tmp, 'tools'), '-f', 'github'])).stdout;
    const fieldRemoved = gh.split('\n').find((l) => l.startsWith('::') && l.includes('title=tpdrift field-removed%3A'))!;
    expect(fieldRemoved).toContain(`%0Aread by: runqlat.bt (${path.join(tmp, 'tools/runqlat.bt')}:3)`);
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

describe('check-patch --consumers', () => {
  it("a patch dropping sched_switch's prev_pid from Debian 6.1's sched.h breaks a script reading it, at the script's line", async () => {
    const { createTwoFilesPatch } = await import('diff');
    const tree = path.join(ROOT, 'test/fixtures/tree-real/linux-6.1');
    const rel = 'include/trace/events/sched.h';
    const before = fs.readFileSync(path.join(tree, rel), 'utf8');
    const after = before.replace(/\t\t__field\(\s*pid_t,\s*prev_pid\s*\)\n/, '').replace('\t\t__entry->prev_pid\t= prev->pid;\n', '');
    expect(after).not.toBe(before);
    const patch = write('drop-prev-pid.patch', createTwoFilesPatch(`a/${rel}`, `b/${rel}`, before, after));
    write('tools2/prev.bt', 'tracepoint:sched:sched_switch\n{\n  @[args->prev_pid] = 1;\n}\n');
    const r = await run(['check-patch', patch, '--tree', tree, '--consumers', path.join(tmp, 'tools2'), '-f', 'json']);
    const out = JSON.parse(r.stdout);
    const brk = out.findings.filter((f: { rule: string }) => f.rule === 'consumer-break');
    expect(brk).toHaveLength(1);
    expect(brk[0]).toMatchObject({ severity: 'error', event: 'sched:sched_switch', field: 'prev_pid', cause: 'field-removed', consumer: { tool: 'prev.bt', line: 3 } });
    expect(out.consumers.affected).toEqual(['prev.bt']);
  });
});
