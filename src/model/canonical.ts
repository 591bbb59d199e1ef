/**
 * Normal forms: every source builds its snapshot through these functions, so that two snapshots of the
 * same kernel are byte-identical whatever the source, the file-system order or the worker count.
 */
import {
  SNAPSHOT_SCHEMA,
  type EventDef,
  type Field,
  type Header,
  type KernelInfo,
  type PrintFormat,
  type Problem,
  type ProtoArg,
  type Snapshot,
  eventKey,
} from './snapshot.js';
import { TOOL_VERSION } from '../version.js';

/** C spellings of the same integer type, mapped to the form the kernel's own headers use most. */
const INTEGER_SPELLINGS: Record<string, string> = {
  unsigned: 'unsigned int',
  signed: 'int',
  'signed int': 'int',
  'unsigned int': 'unsigned int',
  'long int': 'long',
  'signed long': 'long',
  'signed long int': 'long',
  'long signed int': 'long',
  'unsigned long int': 'unsigned long',
  'long unsigned int': 'unsigned long',
  'long unsigned': 'unsigned long',
  'long long int': 'long long',
  'signed long long': 'long long',
  'unsigned long long int': 'unsigned long long',
  'long long unsigned int': 'unsigned long long',
  'long long unsigned': 'unsigned long long',
  'short int': 'short',
  'signed short': 'short',
  'unsigned short int': 'unsigned short',
  'short unsigned int': 'unsigned short',
  'short unsigned': 'unsigned short',
};

/**
 * One spelling per type: whitespace folded, `*` written ` *`, integer synonyms unified. Qualifiers and
 * typedef names are kept: `pid_t` and `int` are different names even where they are the same size.
 */
export function normalizeType(raw: string): string {
  // A kernel spells a few thousand distinct types across tens of thousands of fields and arguments, and
  // the rewrite below is nine regular expressions: remember the answers (bounded, for long-lived callers).
  let known = normalizedTypes.get(raw);
  if (known === undefined) {
    if (normalizedTypes.size >= MAX_REMEMBERED_TYPES) normalizedTypes.clear();
    known = rewriteType(raw);
    normalizedTypes.set(raw, known);
  }
  return known;
}

const MAX_REMEMBERED_TYPES = 1 << 16;
const normalizedTypes = new Map<string, string>();

function rewriteType(raw: string): string {
  let t = raw.replace(/\s+/g, ' ').trim();
  t = t.replace(/\s*\*\s*/g, ' *').replace(/\* \*/g, '**').replace(/\*\s+(?=\*)/g, '*');
  t = t.replace(/\s*\[\s*/g, '[').replace(/\s*\]/g, ']');
  t = t.replace(/ \*$/, ' *');
  const base = t.replace(/ \*+$/, '');
  const stars = t.slice(base.length);
  const words = base.split(' ');
  // Keep leading qualifiers (const, volatile) apart from the integer spelling they qualify.
  const quals: string[] = [];
  while (words.length > 1 && (words[0] === 'const' || words[0] === 'volatile')) quals.push(words.shift()!);
  const core = words.join(' ');
  const unified = INTEGER_SPELLINGS[core] ?? core;
  return [...quals, unified].join(' ') + stars;
}

/** Builds a Field with keys in a fixed order and no undefined members. */
export function makeField(f: Field): Field {
  const out: Field = { name: f.name, type: normalizeType(f.type) };
  if (f.array !== undefined) out.array = f.array;
  if (f.dynamic !== undefined) out.dynamic = f.dynamic;
  if (f.size !== undefined) out.size = f.size;
  if (f.offset !== undefined) out.offset = f.offset;
  if (f.signed !== undefined) out.signed = f.signed;
  if (f.macro !== undefined) out.macro = f.macro;
  if (f.line !== undefined) out.line = f.line;
  return out;
}

function makePrint(p: PrintFormat): PrintFormat {
  return { fmt: p.fmt, args: [...p.args] };
}

function makeProto(args: ProtoArg[]): ProtoArg[] {
  return args.map((a) => ({ type: normalizeType(a.type), name: a.name }));
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

export function makeEvent(e: EventDef): EventDef {
  // Built key by key so that every snapshot has the same key order; fields is set below.
  const out = { system: e.system, name: e.name, kind: e.kind } as EventDef;
  if (e.id !== undefined) out.id = e.id;
  if (e.class !== undefined) out.class = e.class;
  if (e.proto !== undefined) out.proto = makeProto(e.proto);
  out.fields = e.fields.map(makeField);
  if (e.fieldsUnknown) out.fieldsUnknown = true;
  if (e.common !== undefined) out.common = e.common.map(makeField);
  if (e.print !== undefined) out.print = makePrint(e.print);
  if (e.assign !== undefined && Object.keys(e.assign).length > 0) out.assign = sortedRecord(e.assign);
  if (e.written !== undefined) out.written = [...e.written].sort();
  if (e.assignDigest !== undefined) out.assignDigest = e.assignDigest;
  if (e.condition !== undefined) out.condition = e.condition;
  if (e.location !== undefined) out.location = { file: e.location.file, line: e.location.line };
  if (e.calls !== undefined) {
    out.calls = { count: e.calls.count };
    if (e.calls.generated) out.calls.generated = true;
  }
  return out;
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortEvents(events: EventDef[]): EventDef[] {
  return [...events].sort((a, b) => compareKeys(eventKey(a), eventKey(b)) || compareKeys(a.condition ?? '', b.condition ?? ''));
}

export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) => compareKeys(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || compareKeys(a.message, b.message),
  );
}

export function makeSnapshot(input: {
  kernel: KernelInfo;
  header: Header;
  events: EventDef[];
  problems?: Problem[];
}): Snapshot {
  const kernel: KernelInfo = { source: input.kernel.source, kind: input.kernel.kind };
  if (input.kernel.release !== undefined) kernel.release = input.kernel.release;
  if (input.kernel.arch !== undefined) kernel.arch = input.kernel.arch;
  if (input.kernel.also !== undefined && input.kernel.also.length > 0) kernel.also = [...input.kernel.also].sort();
  if (input.kernel.kconfig !== undefined) kernel.kconfig = input.kernel.kconfig;
  const header: Header = { common: input.header.common.map(makeField) };
  if (input.header.page) header.page = input.header.page.map(makeField);
  if (input.header.event) header.event = [...input.header.event];
  const snap: Snapshot = {
    schema: SNAPSHOT_SCHEMA,
    tool: { name: 'tpdrift', version: TOOL_VERSION },
    kernel,
    header,
    events: sortEvents(input.events.map(makeEvent)),
  };
  if (input.problems && input.problems.length > 0) snap.problems = sortProblems(input.problems);
  return snap;
}

export { serializeSnapshot } from './snapshot-text.js';
