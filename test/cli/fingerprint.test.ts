/** `tpdrift fingerprint` on the committed real snapshots: text, JSON, --check, and bad check files. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/model/fingerprint.js';
import { readSnapshot } from '../../src/sources/snapshot-file.js';
import { runCli } from '../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CAPTURE = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const TREE_61 = path.join(ROOT, 'snapshots/debian-linux-source-6.1.176.json.gz');
const TREE_612 = path.join(ROOT, 'snapshots/debian-linux-source-6.12.117.json.gz');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-fpcli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args, { cwd: tmp });

describe('tpdrift fingerprint', () => {
  it('prints one line per matching event with each facet it has', async () => {
    const r = await run(['fingerprint', TREE_612, 'sched:sched_switch', 'sched:sched_wakeup*']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['sched:sched_switch', 'sched:sched_wakeup', 'sched:sched_wakeup_new']);
    const sw = readSnapshot(TREE_612).events.find((e) => e.system === 'sched' && e.name === 'sched_switch')!;
    const fp = fingerprintOf(sw);
    expect(lines[0]).toBe(`sched:sched_switch      layout=${fp.layout} proto=${fp.proto} print=${fp.print} definition=${fp.definition}`);
    // sched_wakeup and sched_wakeup_new share their class: the same layout, prototype and print; sched_switch not.
    const facet = (line: string, f: string) => new RegExp(`${f}=([0-9a-f]+)`).exec(line)![1];
    for (const f of ['layout', 'proto', 'print', 'definition']) {
      expect(facet(lines[1]!, f)).toBe(facet(lines[2]!, f));
      expect(facet(lines[0]!, f)).not.toBe(facet(lines[1]!, f));
    }
  });

  it("the 6.12 tree's predicted sched_switch layout has the fingerprint of the real 6.18.44 capture's", async () => {
    const tree = JSON.parse((await run(['fingerprint', TREE_612, 'sched:sched_switch', '-f', 'json'])).stdout);
    const cap = JSON.parse((await run(['fingerprint', CAPTURE, 'sched:sched_switch', '-f', 'json'])).stdout);
    expect(tree.schema).toBe('tpdrift/fingerprints@1');
    expect(tree.events[0].fingerprint.layout).toBe(cap.events[0].fingerprint.layout);
    expect(cap.events[0].fingerprint.proto).toBeUndefined();
  });

  it('--check: what changed between 6.1 and 6.12 for recorded events, exit 1; nothing against itself, exit 0', async () => {
    const recorded = path.join(tmp, 'rec.json');
    const r = await run(['fingerprint', TREE_61, 'sched:sched_switch', 'sched:sched_process_exec', 'block:block_rq_issue', '-f', 'json']);
    expect(r.code).toBe(0);
    fs.writeFileSync(recorded, r.stdout);
    const same = await run(['fingerprint', TREE_61, '--check', recorded]);
    expect(same).toEqual({ code: 0, stdout: '3 recorded event(s) checked, 0 changed or missing\n', stderr: '' });
    const moved = await run(['fingerprint', TREE_612, '--check', recorded]);
    expect(moved.code).toBe(1);
    // The 6.2 plain-char flip changed sched_switch's comm fields' signedness: a layout change.
    expect(moved.stdout).toContain('sched:sched_switch: layout changed\n');
    expect(moved.stdout).toMatch(/3 recorded event\(s\) checked, [1-3] changed or missing\n$/);
  });

  it('a pattern that matches nothing: named on stderr, exit 1', async () => {
    const r = await run(['fingerprint', CAPTURE, 'sched:no_such_event']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: `tpdrift: ${CAPTURE}: no event matches 'sched:no_such_event'\n` });
  });

  it('bad check files: exit 2, one line naming the file', async () => {
    const cases: [string, string | undefined, RegExp][] = [
      ['missing.json', undefined, /missing\.json: no such file/],
      ['garbage.json', '{"schema": ', /garbage\.json: not valid JSON/],
      ['other.json', '{"schema": "tpdrift/snapshot@1"}', /other\.json: not a fingerprint file/],
      ['badevent.json', '{"schema": "tpdrift/fingerprints@1", "kernel": {"source": "x", "kind": "tree"}, "events": [{"event": "a:b", "fingerprint": {"layout": "zz"}}]}', /badevent\.json: events\[0\] is not/],
    ];
    for (const [name, text, message] of cases) {
      const file = path.join(tmp, name);
      if (text !== undefined) fs.writeFileSync(file, text);
      const r = await run(['fingerprint', CAPTURE, '--check', file]);
      expect(r.code, name).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  });
});
