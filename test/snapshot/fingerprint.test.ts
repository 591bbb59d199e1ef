/**
 * ABI fingerprints and the indexed snapshot layout: what each digest covers, that the committed snapshots
 * carry exactly what the writer derives, that an edited file is read whole, and that a diff of indexed
 * snapshots (which skips events with equal definitions unread) finds exactly what a diff of whole ones finds.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/model/fingerprint.js';
import { serializeSnapshot } from '../../src/model/canonical.js';
import { indexOf } from '../../src/model/event-index.js';
import type { EventDef, Snapshot } from '../../src/model/snapshot.js';
import { readSnapshot } from '../../src/sources/snapshot-file.js';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { main } from '../../src/cli/main.js';
import { FORMATS } from '../../src/report/formats.js';
import { architectureWarning } from '../../src/model/arch.js';
import { checkScopeAgainst } from '../../src/report/scope.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CAPTURE = path.join(ROOT, 'snapshots/linux-6.18.44-x86_64.tracefs.json');
const TREE_61 = path.join(ROOT, 'snapshots/debian-linux-source-6.1.176.json.gz');
const TREE_612 = path.join(ROOT, 'snapshots/debian-linux-source-6.12.117.json.gz');

const sha16 = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
const find = (s: Snapshot, key: string) => s.events.find((e) => `${e.system}:${e.name}` === key)!;
/** The snapshot as plain data: no index, so every comparison over it reads whole events. */
const whole = (s: Snapshot): Snapshot => structuredClone({ ...s, events: s.events });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-fp-'));

describe('fingerprints', () => {
  const capture = whole(readSnapshot(CAPTURE));
  const sw = find(capture, 'sched:sched_switch');

  it('are the documented digests of each facet', () => {
    const fp = fingerprintOf(sw);
    const layout = (f: EventDef['fields'][number]) => [f.name, f.type, f.array ?? null, f.dynamic ?? null, f.size ?? null, f.offset ?? null, f.signed ?? null];
    expect(fp.layout).toBe(sha16([sw.fields.map(layout), null]));
    expect(fp.print).toBe(sha16([sw.print!.fmt, sw.print!.args]));
    expect(fp.proto).toBeUndefined(); // a capture has no TP_PROTO
    expect(Object.keys(fp)).toEqual(['layout', 'print', 'definition']);
    const rest = [sw.kind, null, null, null, null, null, sw.fields.map((f) => [f.macro ?? null, null]), null, null];
    expect(fp.definition).toBe(crypto.createHash('sha256').update(`${fp.layout} - ${fp.print} - ${JSON.stringify(rest)}`).digest('hex').slice(0, 16));
  });

  it('change with what a consumer reads and not with where it was written', () => {
    const fp = fingerprintOf(sw);
    const moved = structuredClone(sw);
    moved.fields[1]!.offset! += 8;
    expect(fingerprintOf(moved).layout).not.toBe(fp.layout);
    const flipped = structuredClone(sw);
    flipped.fields[0]!.signed = !flipped.fields[0]!.signed;
    expect(fingerprintOf(flipped).layout).not.toBe(fp.layout);
    const table = structuredClone(sw);
    table.print!.args = table.print!.args.map((a) => a.replace('"R"', '"r"'));
    expect(table.print!.args).not.toEqual(sw.print!.args);
    expect(fingerprintOf(table).print).not.toBe(fp.print);
    expect(fingerprintOf(table).layout).toBe(fp.layout);
    const elsewhere = { ...structuredClone(sw), id: 1, location: { file: 'x.h', line: 9 } };
    elsewhere.fields[0]!.line = 3;
    expect(fingerprintOf(elsewhere)).toEqual(fp);
    expect(fingerprintOf({ ...sw, calls: { count: 2 } }).definition).not.toBe(fp.definition);
  });

  it('in a tree: the prototype and the condition too', () => {
    const tree = readSnapshot(TREE_612);
    const index = indexOf(tree)!;
    const withCondition = index.entries.find((e) => e.fingerprint.condition !== undefined)!;
    const ev = index.event(withCondition.ordinal);
    expect(withCondition.fingerprint).toEqual(fingerprintOf(ev));
    expect(withCondition.fingerprint.condition).toBe(sha16(ev.condition));
    expect(withCondition.fingerprint.proto).toBe(sha16(ev.proto!.map((a) => [a.type, a.name])));
  });
});

describe('the indexed snapshot layout', () => {
  it('committed snapshots are exactly what the writer writes for their events (fingerprints and digest derived)', () => {
    for (const file of [CAPTURE, TREE_61, TREE_612]) {
      let text = fs.readFileSync(file);
      if (file.endsWith('.gz')) text = zlib.gunzipSync(text);
      const read = readSnapshot(file);
      expect(indexOf(read), file).toBeDefined();
      expect(serializeSnapshot(whole(read)) === text.toString('utf8'), file).toBe(true);
    }
  });

  it('events are decoded only when asked for, and decoded events carry no fingerprint', () => {
    const snap = readSnapshot(TREE_612);
    const index = indexOf(snap)!;
    expect(index.decodedCount()).toBe(0);
    const ev = index.event(10);
    expect(index.decodedCount()).toBe(1);
    expect('fingerprint' in ev).toBe(false);
    expect(index.event(10)).toBe(ev);
    expect(snap.events.length).toBe(index.entries.length);
    // Handed out whole, the events may be changed: the index no longer speaks for them.
    expect(indexOf(snap)).toBeUndefined();
  });

  it('an edited file no longer matches its digest and is read whole, edit included', () => {
    const dir = tmp();
    const text = fs.readFileSync(CAPTURE, 'utf8');
    const edited = text.replace('"name": "prev_pid", "type": "pid_t", "size": 4, "offset": 24', '"name": "prev_pid", "type": "pid_t", "size": 4, "offset": 28');
    expect(edited).not.toBe(text);
    const file = path.join(dir, 'edited.json');
    fs.writeFileSync(file, edited);
    const read = readSnapshot(file);
    expect(indexOf(read)).toBeUndefined();
    expect(find(read, 'sched:sched_switch').fields.find((f) => f.name === 'prev_pid')!.offset).toBe(28);
    expect('fingerprint' in read.events[0]!).toBe(false);
    expect('eventsDigest' in read).toBe(false);
    // The edit makes a finding, as it would without the index.
    const findings = runDiff(compareSnapshots(readSnapshot(CAPTURE), read));
    expect(findings.map((f) => [f.rule, f.event, f.message])).toEqual([['field-offset-changed', 'sched:sched_switch', "field 'prev_pid' moved: offset 24 → 28"]]);
    fs.rmSync(dir, { recursive: true });
  });

  it('a snapshot re-indented by another tool is read whole', () => {
    const dir = tmp();
    const file = path.join(dir, 'min.json');
    fs.writeFileSync(file, JSON.stringify(JSON.parse(fs.readFileSync(CAPTURE, 'utf8'))));
    const read = readSnapshot(file);
    expect(indexOf(read)).toBeUndefined();
    expect(serializeSnapshot(read)).toBe(fs.readFileSync(CAPTURE, 'utf8'));
    fs.rmSync(dir, { recursive: true });
  });
});

describe('a diff of indexed snapshots', () => {
  it('6.1 -> 6.12: the same findings and byte-identical reports in every format as a diff of whole snapshots, with half the events never decoded', async () => {
    const oldSide = readSnapshot(TREE_61);
    const newSide = readSnapshot(TREE_612);
    const fast = compareSnapshots(oldSide, newSide, { onlyChanged: true });
    const fastFindings = runDiff(fast);
    const skipped = indexOf(oldSide)!.entries.length - indexOf(oldSide)!.decodedCount();
    expect(skipped).toBeGreaterThan(2000);
    expect(indexOf(newSide)).toBeDefined(); // nothing asked for all the events
    const slow = compareSnapshots(whole(readSnapshot(TREE_61)), whole(readSnapshot(TREE_612)));
    expect(fast.pairs.length).toBeLessThan(slow.pairs.length);
    const slowFindings = runDiff(slow);
    expect(fastFindings).toEqual(slowFindings);
    expect(fastFindings.some((f) => f.rule === 'duplicate-event-body')).toBe(true);
  });

  it('6.1 -> 6.12 through the CLI: every report format byte-identical from the indexed files and from copies read whole', async () => {
    const dir = tmp();
    const plain = (file: string) => {
      fs.mkdirSync(path.join(dir, 'whole'), { recursive: true });
      const out = path.join(dir, 'whole', path.basename(file).replace(/\.gz$/, ''));
      fs.writeFileSync(out, JSON.stringify(JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8'))));
      expect(indexOf(readSnapshot(out))).toBeUndefined();
      return out;
    };
    const [old61, new612] = [plain(TREE_61), plain(TREE_612)];
    const run = async (args: string[]) => {
      let out = '';
      const io = { stdout: (s: string) => void (out += s), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: dir };
      const code = await main(args, io);
      return { code, out };
    };
    for (const format of FORMATS) {
      const fast = await run(['diff', TREE_61, TREE_612, '--format', format, '--fail-on', 'none']);
      const slow = await run(['diff', old61, new612, '--format', format, '--fail-on', 'none']);
      expect(fast.code).toBe(0);
      expect(fast.out.length).toBeGreaterThan(1000);
      // The report names its sides by the arguments: the same names for both runs.
      // (Reports may write a path relative to the working directory: both spellings are named alike.)
      const named = (out: string, a: string, b: string) =>
        out.replaceAll(a, '<old>').replaceAll(b, '<new>').replaceAll(path.relative(dir, a), '<old>').replaceAll(path.relative(dir, b), '<new>');
      const [x, y] = [named(fast.out, TREE_61, TREE_612), named(slow.out, old61, new612)];
      expect(x === y, format).toBe(true);
    }
    fs.rmSync(dir, { recursive: true });
  }, 120_000);

  it('nothing changed (the nightly floor): the diff and what the command checks around it (architectures, --events) decode a few dozen events of 6,692', () => {
    const [a, b] = [readSnapshot(TREE_612), readSnapshot(TREE_612)];
    expect(runDiff(compareSnapshots(a, b, { onlyChanged: true }))).toEqual([]);
    expect(architectureWarning(a, b)).toBeUndefined();
    checkScopeAgainst({ events: ['sched:*', 'block'] }, [a, b]);
    expect(() => checkScopeAgainst({ events: ['schde:*'] }, [a, b])).toThrow(/did you mean 'sched:\*'/);
    for (const side of [a, b]) expect(indexOf(side)!.decodedCount()).toBeLessThan(50);
    // Without an architecture named on one side, the word size is read from a sample of events, not all.
    const unnamed = readSnapshot(TREE_612);
    delete unnamed.kernel.arch;
    expect(architectureWarning(unnamed, b)).toBeUndefined();
    expect(indexOf(unnamed)!.decodedCount()).toBeLessThan(1000);
  });

  it('the capture against an edited copy written by tpdrift: the same findings as whole snapshots', () => {
    const base = readSnapshot(CAPTURE);
    const copy = whole(readSnapshot(CAPTURE));
    find(copy, 'sched:sched_switch').fields.find((f) => f.name === 'prev_pid')!.offset = 28;
    copy.events = copy.events.filter((e) => e.name !== 'softirq_raise');
    const dir = tmp();
    const file = path.join(dir, 'copy.json');
    fs.writeFileSync(file, serializeSnapshot(copy));
    const indexed = readSnapshot(file);
    expect(indexOf(indexed)).toBeDefined();
    const fast = runDiff(compareSnapshots(base, indexed, { onlyChanged: true }));
    expect(compareSnapshots(readSnapshot(CAPTURE), readSnapshot(file)).pairs.length).toBe(copy.events.length); // every pair when not asked
    expect(indexOf(base)!.decodedCount()).toBeLessThan(10);
    expect(fast).toEqual(runDiff(compareSnapshots(whole(readSnapshot(CAPTURE)), copy)));
    expect(fast.map((f) => f.rule)).toContain('event-removed');
    fs.rmSync(dir, { recursive: true });
  });
});
