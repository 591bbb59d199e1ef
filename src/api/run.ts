/**
 * The library's flows, the ones the command line runs: load sources, compare, run the rules, build the report.
 * Each returns data (a ReportData as in DESIGN.md's JSON contract, plus the sides it read); rendering and
 * writing are separate (./render.ts), so a program can do either.
 */
import { compareSnapshots } from '../diff/compare.js';
import type { EngineConfig } from '../engine/config.js';
import { runAudit, runConsumers, runDiff } from '../engine/run.js';
import type { ConsumerInventory, Use } from '../consumers/model.js';
import { type HistoryData, buildHistory } from '../history/build.js';
import { describeSource } from '../model/side.js';
import type { Snapshot, SourceKind } from '../model/snapshot.js';
import { type ReportData, makeReport } from '../report/model.js';
import { type LoadedSource, loadSource } from '../sources/registry.js';
import type { TreeArch } from '../sources/tree/arch.js';
import { type PatchCheck, checkPatch as checkPatchSeries } from '../patch/check.js';
import { readPatchText } from '../patch/read.js';
import { InputError } from '../errors.js';
import type { LoadPhase } from '../sources/source.js';
import { checkScopeAgainst } from '../report/scope.js';

/** A side: an argument to load (path of a tree, capture, snapshot, …), or a source already loaded. */
export type SideInput = string | LoadedSource;

export interface LoadingOptions {
  /** Force the kind of every argument (else detected). */
  kind?: SourceKind;
  /** Progress of a tree read, per argument: (label, done, total). */
  onProgress?: (label: string, done: number, total: number) => void;
  /** Steps of a tree read, per argument: listing, reading files, building units, done. */
  onPhase?: (label: string, phase: LoadPhase) => void;
  /** Tree arguments: the architecture their formats are predicted for (default x86_64). */
  arch?: TreeArch;
  /** Tree arguments: a kernel `.config` whose settings decide CONFIG_ conditions. */
  kconfig?: string;
}

/** Consumers to check: an inventory (readConsumers) — its uses, and the report's consumer summary — or bare uses. */
export interface ConsumerOptions {
  consumers?: ConsumerInventory;
  uses?: readonly Use[];
}

export interface RuleOptions {
  /** Severities, rule options and per-event overrides (a config file's `rules`/`overrides`). */
  config?: EngineConfig;
}

/** A report with the sources it came from (the HTML reporter draws their layouts). */
export interface Outcome {
  report: ReportData;
  old?: LoadedSource;
  new: LoadedSource;
}

export async function load(input: SideInput, opts: LoadingOptions = {}): Promise<LoadedSource> {
  if (typeof input !== 'string') return input;
  const { onProgress, onPhase } = opts;
  let src: LoadedSource;
  try {
    src = await loadSource(input, {
    ...(opts.kind ? { kind: opts.kind } : {}),
    ...(opts.arch ? { arch: opts.arch } : {}),
    ...(opts.kconfig !== undefined ? { kconfig: opts.kconfig } : {}),
    ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(input, done, total) } : {}),
    ...(onPhase ? { onPhase: (phase: LoadPhase) => onPhase(input, phase) } : {}),
    });
  } catch (e) {
    throw withTreeRootHint(e, input);
  }
  return src;
}

/** `…/include/trace/events` is part of a tree, not a tracefs capture: say which directory to give instead. */
function withTreeRootHint(e: unknown, arg: string): unknown {
  if (!(e instanceof InputError)) return e;
  const m = /^(.*?)\/?include\/trace(?:\/events)?\/?$/.exec(arg);
  if (!m) return e;
  const root = m[1] || '.';
  return new InputError(e.file, `${e.message} (this is part of a kernel source tree: give its root, ${root})`, e.line);
}

function sideProblems(s: Snapshot, side: 'old' | 'new') {
  return (s.problems ?? []).map((p) => ({ ...p, side }));
}

/** `tpdrift diff`: two kernels compared field by field, with the drift, audit and (given uses) consumer rules. */
export async function diff(
  oldInput: SideInput,
  newInput: SideInput,
  opts: LoadingOptions & RuleOptions & ConsumerOptions = {},
): Promise<Outcome> {
  const oldSide = await load(oldInput, opts);
  const newSide = await load(newInput, opts);
  const uses = opts.consumers?.uses ?? opts.uses;
  // Consumer rules may look for any pair, so only a diff without uses leaves unchanged ones out.
  const findings = runDiff(compareSnapshots(oldSide.snapshot, newSide.snapshot, { onlyChanged: !uses }), {
    ...(opts.config ? { config: opts.config } : {}),
    ...(uses ? { uses } : {}),
  });
  const report = makeReport({
    old: describeSource(oldSide.label, oldSide.kind, oldSide.snapshot),
    new: describeSource(newSide.label, newSide.kind, newSide.snapshot),
    findings,
    problems: [...sideProblems(oldSide.snapshot, 'old'), ...sideProblems(newSide.snapshot, 'new')],
    ...(opts.consumers ? { consumers: opts.consumers } : {}),
  });
  return { report, old: oldSide, new: newSide };
}

/** `tpdrift lint`: the audit rules over every tracepoint of one source. */
export async function lint(input: SideInput, opts: LoadingOptions & RuleOptions = {}): Promise<Outcome> {
  const src = await load(input, opts);
  // A tree with no trace event definitions has nothing to audit: "no findings" would read as a clean bill.
  if (src.kind === 'tree' && src.snapshot.events.length === 0) {
    throw new InputError(src.label, 'no trace event definitions found: is this the root of a kernel source tree?');
  }
  const events = src.snapshot.events;
  const findings = runAudit({ snapshot: src.snapshot, events, all: events, isChange: false }, opts.config ? { config: opts.config } : {});
  const report = makeReport({ new: describeSource(src.label, src.kind, src.snapshot), findings, problems: sideProblems(src.snapshot, 'new') });
  return { report, new: src };
}

/** `tpdrift history`: the same events across several kernels, oldest first. */
export async function history(inputs: readonly SideInput[], opts: LoadingOptions & ConsumerOptions & { events?: string[] } = {}): Promise<HistoryData> {
  const sides = [];
  for (const input of inputs) {
    const src = await load(input, opts);
    sides.push({ info: describeSource(src.label, src.kind, src.snapshot), snapshot: src.snapshot });
  }
  // A pattern no kernel has is a typo, not "0 of 0 events changed".
  if (opts.events?.length) checkScopeAgainst({ events: opts.events }, sides.map((s) => s.snapshot));
  const uses = opts.consumers?.uses ?? opts.uses;
  return buildHistory(sides, { ...(opts.events ? { events: opts.events } : {}), ...(uses ? { uses } : {}) });
}

/** A patch for checkPatch: its text (a unified diff, or a `git format-patch` mail or series) and how to name it. */
export interface PatchInput {
  text: string;
  label: string;
}

/** A pre-merge check's outcome: the report, and the tree before and after the series. */
export interface PatchOutcome extends PatchCheck {
  report: ReportData;
}

/**
 * `tpdrift check-patch`: the series applied in memory to the tree (never written), before and after compared,
 * what it adds audited, every finding pointed at the patched lines.
 */
export async function checkPatch(
  tree: string,
  patches: readonly PatchInput[],
  opts: RuleOptions & ConsumerOptions & Pick<LoadingOptions, 'arch' | 'kconfig'> & { onProgress?: (done: number, total: number) => void; onPhase?: (phase: LoadPhase) => void } = {},
): Promise<PatchOutcome> {
  const series = patches.flatMap((p) => readPatchText(p.text, p.label));
  const uses = opts.consumers?.uses ?? opts.uses;
  const check = await checkPatchSeries(tree, series, {
    ...(opts.config ? { config: opts.config } : {}),
    ...(uses ? { uses } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.onPhase ? { onPhase: opts.onPhase } : {}),
    ...(opts.arch ? { arch: opts.arch } : {}),
    ...(opts.kconfig !== undefined ? { kconfig: opts.kconfig } : {}),
  });
  const label = `${tree} + ${patches.map((p) => p.label).join(' ')}`;
  const problems = sideProblems(check.after, 'new').filter((p) => check.touched.includes(p.file));
  // The header names the release and architecture, as diff and lint do.
  const report = makeReport({ new: describeSource(label, 'tree', check.after), findings: check.findings, problems, ...(opts.consumers ? { consumers: opts.consumers } : {}) });
  return { ...check, report };
}

/**
 * `tpdrift consumers --against`: would these tools work on this kernel? Every use checked against one kernel
 * (events, fields and arguments exist, fixed offsets right, argument types compatible).
 */
export async function consumersAgainst(inventory: ConsumerInventory, kernel: SideInput, opts: LoadingOptions & RuleOptions = {}): Promise<Outcome> {
  const src = await load(kernel, opts);
  const findings = runConsumers({ uses: inventory.uses, kernel: src.snapshot }, opts.config ? { config: opts.config } : {});
  const report = makeReport({ new: describeSource(src.label, src.kind, src.snapshot), findings, problems: sideProblems(src.snapshot, 'new'), consumers: inventory });
  return { report, new: src };
}
