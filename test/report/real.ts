/** Real comparisons every report format is tested on. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { fileURLToPath } from 'node:url';
import { compareSnapshots } from '../../src/diff/compare.js';
import { runDiff } from '../../src/engine/run.js';
import { makeReport, type ReportData, type SideInfo } from '../../src/report/model.js';
import { snapshotFromCapture } from '../../src/sources/tracefs/reader.js';
import { loadSource } from '../../src/sources/registry.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import type { Io } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';
import { capture618, editFormat, unpackCapture618, unpackPublicCaptures, CAPTURE_6_18 } from '../helpers/captures.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SNAP_6_1 = path.join(ROOT, 'snapshots/debian-linux-source-6.1.176.json.gz');
export const SNAP_6_12 = path.join(ROOT, 'snapshots/debian-linux-source-6.12.117.json.gz');
export { CAPTURE_6_18 };

const line = (decl: string, offset: number, size: number, signed: 0 | 1) => `\tfield:${decl};\toffset:${offset};\tsize:${size};\tsigned:${signed};`;

function info(label: string, s: Snapshot): SideInfo {
  const i: SideInfo = { label, kind: s.kernel.kind, events: s.events.length };
  if (s.kernel.release) i.release = s.kernel.release;
  if (s.kernel.arch) i.arch = s.kernel.arch;
  return i;
}

export function reportOf(oldLabel: string, old: Snapshot, newLabel: string, neu: Snapshot): ReportData {
  return makeReport({ old: info(oldLabel, old), new: info(newLabel, neu), findings: runDiff(compareSnapshots(old, neu)) });
}

/** The real 6.18.44 capture against an edited copy: a field removed (error), a type widened, a print format changed. */
export async function edited618(): Promise<{ old: Snapshot; neu: Snapshot; report: ReportData }> {
  const old = await capture618();
  const neu = await capture618();
  editFormat(neu, 'sched:sched_wakeup', (t) => t.replace(/^\tfield:int prio;.*\n/m, '').replace('target_cpu;\toffset:32;', 'target_cpu;\toffset:28;'));
  editFormat(neu, 'kmem:kmalloc', (t) => t.replace(line('int node', 48, 4, 1), line('long node', 48, 8, 1)));
  editFormat(neu, 'sched:sched_process_fork', (t) => t.replace('print fmt: "comm=', 'print fmt: "parent='));
  const o = snapshotFromCapture(old);
  const n = snapshotFromCapture(neu);
  return { old: o, neu: n, report: reportOf('linux-6.18.44', o, 'linux-6.18.44+edits', n) };
}

/** The edits above, on disk, for the CLI. */
export function editedCaptureDirs(): { orig: string; edited: string } {
  const orig = unpackCapture618();
  const edited = unpackCapture618();
  const edit = (rel: string, f: (t: string) => string) => {
    const p = path.join(edited, rel);
    fs.writeFileSync(p, f(fs.readFileSync(p, 'utf8')));
  };
  edit('events/sched/sched_wakeup/format', (t) => t.replace(/^\tfield:int prio;.*\n/m, '').replace('target_cpu;\toffset:32;', 'target_cpu;\toffset:28;'));
  edit('events/kmem/kmalloc/format', (t) => t.replace(line('int node', 48, 4, 1), line('long node', 48, 8, 1)));
  edit('events/sched/sched_process_fork/format', (t) => t.replace('print fmt: "comm=', 'print fmt: "parent='));
  return { orig, edited };
}

let publicDir: string | undefined;
export function publicCaptures(): string {
  publicDir ??= unpackPublicCaptures();
  return publicDir;
}
export const UBUNTU_5_15 = 'tracedat-langraph-5.15.0-50-generic-ubuntu';
export const WALLEYE_4_4 = 'perfetto-walleye-4.4.88';
export const RAVEN_5_10 = 'perfetto-raven-5.10.43';

export async function load(p: string): Promise<Snapshot> {
  return (await loadSource(p)).snapshot;
}

export async function ubuntuTo618(): Promise<ReportData> {
  const dir = path.join(publicCaptures(), UBUNTU_5_15);
  return reportOf(dir, await load(dir), CAPTURE_6_18, await load(CAPTURE_6_18));
}

export async function walleyeToRaven(): Promise<ReportData> {
  const a = path.join(publicCaptures(), WALLEYE_4_4);
  const b = path.join(publicCaptures(), RAVEN_5_10);
  return reportOf(a, await load(a), b, await load(b));
}

/** Debian 6.1 → 6.12 source trees (committed snapshots): findings with source locations. */
export async function debian61To612(): Promise<ReportData> {
  return reportOf(SNAP_6_1, await load(SNAP_6_1), SNAP_6_12, await load(SNAP_6_12));
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tpdrift-${prefix}-`));
}

export async function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Microsoft's SARIF Multitool (the npm package's native binary): validation results by level. */
export function multitoolValidate(file: string): { errors: string[]; warnings: string[]; notes: number } {
  const bin = path.join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool');
  const out = `${file}.validation.sarif`;
  fs.rmSync(out, { force: true });
  // The console output (one line per note) is not needed: the results are read from --output.
  const r = spawnSync(bin, ['validate', '--level', 'Error;Warning;Note', '--output', out, file], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (r.error) throw r.error;
  if (!fs.existsSync(out)) throw new Error(`Multitool wrote no result (exit ${r.status}): ${r.stderr?.toString()}`);
  const log = JSON.parse(fs.readFileSync(out, 'utf8')) as { runs: { results?: { level?: string; ruleId: string; message: { arguments?: string[]; text?: string } }[] }[] };
  const results = log.runs.flatMap((r) => r.results ?? []);
  const describe = (r: (typeof results)[number]) => `${r.ruleId} ${JSON.stringify(r.message.arguments ?? r.message.text)}`;
  return {
    errors: results.filter((r) => r.level === 'error').map(describe),
    warnings: results.filter((r) => (r.level ?? 'warning') === 'warning').map(describe),
    notes: results.filter((r) => r.level === 'note').length,
  };
}

/**
 * The official SARIF 2.1.0 JSON schema (shipped with the Multitool) checked with ajv. Multitool's own rules
 * run only on files it can deserialize: a file with, say, an invalid level passes it silently, so both run.
 */
let sarifSchema: ((data: unknown) => boolean) & { errors?: unknown } | undefined;
export function sarifSchemaErrors(log: unknown): string[] {
  if (!sarifSchema) {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json'), 'utf8'));
    // Formats (uri, date-time) are Multitool's job (SARIF1002 checks every URI); the structure is ajv's.
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    sarifSchema = ajv.compile(schema);
  }
  if (sarifSchema(log)) return [];
  return ((sarifSchema.errors ?? []) as { instancePath: string; message?: string }[]).map((e) => `${e.instancePath} ${e.message}`);
}
