/**
 * bpftrace scripts (`.bt`). A script is a list of probe blocks: `probe[, probe...] [/predicate/] { body }`.
 * Tracepoint probes (`tracepoint:SYS:EV`, `t:SYS:EV`, wildcards allowed) read the record by field name
 * (`args->f`, `args.f`: bpftrace builds the struct from the event's format file when it loads the script);
 * raw tracepoint probes (`rawtracepoint:EV`, `rt:EV`) read TP_PROTO arguments by position (`arg0`...).
 * Other probe types (kprobe, uprobe, BEGIN, ...) read no trace event and yield nothing.
 */
import { InputError } from '../../errors.js';
import type { ConsumerProblem, Use } from '../model.js';
import type { ConsumerFile, ConsumerReader, ConsumerReading } from '../reader.js';
import { LineIndex, baseName, blankCLike, matchBrace } from '../text.js';

interface Probe {
  event: string;
  attach: 'tracefs' | 'raw_tp';
  line: number;
}

const TRACEPOINT = /^(?:tracepoint|t):([^:\s]+):([^:\s]+)$/;
const RAW_TRACEPOINT = /^(?:rawtracepoint|rt):(?:([^:\s]+):)?([^:\s]+)$/;
const FIELD = /\bargs\s*(?:->|\.)\s*([A-Za-z_]\w*)/g;
const WHOLE_ARGS = /\bargs\b(?!\s*(?:->|\.))/;
const RAW_ARG = /\barg(\d+)\b/g;

function parseProbe(spec: string, line: number): Probe | undefined {
  const tp = TRACEPOINT.exec(spec);
  if (tp) return { event: `${tp[1]}:${tp[2]}`, attach: 'tracefs', line };
  const rt = RAW_TRACEPOINT.exec(spec);
  // A raw tracepoint has no system; bpftrace >= 0.19 may prefix a module name, which is not a system either.
  if (rt) return { event: `:${rt[2]}`, attach: 'raw_tp', line };
  return undefined;
}

export function readBpftrace(file: ConsumerFile): ConsumerReading {
  const tool = baseName(file.path);
  const source = file.data.toString('utf8');
  if (source.includes('\0')) throw new InputError(file.path, 'binary data (NUL byte) in a bpftrace script');
  const text = blankCLike(source, { hashLines: true });
  const lines = new LineIndex(text);
  const uses: Use[] = [];
  const problems: ConsumerProblem[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (at: number, message: string): never => {
    throw new InputError(file.path, `bpftrace script does not parse: ${message}`, lines.lineAt(at));
  };
  for (skipSpace(); i < text.length; skipSpace()) {
    // Top-level struct/union/enum definitions (with #include'd types) precede the probes.
    const decl = /^(?:struct|union|enum)\b[^{;]*/.exec(text.slice(i, i + 200));
    if (decl) {
      const open = i + decl[0].length;
      if (text[open] === ';') {
        i = open + 1;
        continue;
      }
      if (text[open] !== '{') fail(i, 'a type declaration without a body');
      const close = matchBrace(text, open);
      if (close < 0) fail(open, "a '{' that is never closed");
      i = close + 1;
      skipSpace();
      if (text[i] === ';') i++;
      continue;
    }
    const headStart = i;
    while (i < text.length && text[i] !== '{' && text[i] !== '}') i++;
    if (i >= text.length) fail(headStart, 'a probe list with no { body }');
    if (text[i] === '}') fail(i, "a '}' with no probe before it");
    let head = text.slice(headStart, i);
    let predicate = '';
    let predicateBase = headStart;
    if (head.trimEnd().endsWith('/')) {
      // The predicate is the first `/` after white space that does not start a path (uprobe:/bin/bash:...).
      const m = /(^|[^:\s])(\s+)\//.exec(head) ?? (head.startsWith('/') ? { index: 0, 1: '', 2: '' } : null);
      if (!m) fail(headStart, 'a predicate /.../ with no probe before it');
      const start = m!.index + m![1]!.length + m![2]!.length;
      predicate = head.slice(start);
      predicateBase = headStart + start;
      head = head.slice(0, start);
    }
    const close = matchBrace(text, i);
    if (close < 0) fail(i, "a '{' that is never closed");
    const bodyStart = i;
    i = close + 1;
    if (head.trim() === '') fail(headStart, 'a { body } with no probe before it');
    const probes: Probe[] = [];
    let at = headStart;
    for (const part of head.split(',')) {
      const spec = part.trim();
      const line = lines.lineAt(at + part.indexOf(spec));
      at += part.length + 1;
      if (spec === '') {
        problems.push({ file: file.path, line, message: 'an empty probe in a probe list' });
        continue;
      }
      const p = parseProbe(spec, line);
      if (p) probes.push(p);
      else if (/^(?:tracepoint|t|rawtracepoint|rt):/.test(spec)) problems.push({ file: file.path, line, message: `probe '${spec}' not understood` });
    }
    if (probes.length === 0) continue;
    // The predicate and the body together: both may read the record.
    const code = [
      { text: predicate, base: predicateBase },
      { text: text.slice(bodyStart, close + 1), base: bodyStart },
    ];
    for (const probe of probes) {
      const seen = new Set<string>();
      let reads = 0;
      for (const part of code) {
        if (probe.attach === 'tracefs') {
          for (const m of part.text.matchAll(FIELD)) {
            reads++;
            if (seen.has(m[1]!)) continue;
            seen.add(m[1]!);
            uses.push({ tool, family: 'bpftrace', file: file.path, line: lines.lineAt(part.base + m.index), event: probe.event, attach: 'tracefs', field: m[1]!, read: 'by-name' });
          }
          if (WHOLE_ARGS.test(part.text)) {
            const m = WHOLE_ARGS.exec(part.text)!;
            problems.push({ file: file.path, line: lines.lineAt(part.base + m.index), message: `${probe.event}: the whole 'args' record is used; only its event is checked` });
          }
        } else {
          for (const m of part.text.matchAll(RAW_ARG)) {
            reads++;
            if (seen.has(m[1]!)) continue;
            seen.add(m[1]!);
            uses.push({ tool, family: 'bpftrace', file: file.path, line: lines.lineAt(part.base + m.index), event: probe.event, attach: 'raw_tp', arg: Number(m[1]), read: 'positional' });
          }
        }
      }
      if (reads === 0) uses.push({ tool, family: 'bpftrace', file: file.path, line: probe.line, event: probe.event, attach: probe.attach, read: 'exists-only' });
    }
  }
  return { tools: [{ tool, family: 'bpftrace', file: file.path }], uses, problems };
}

export const bpftraceReader: ConsumerReader = {
  family: 'bpftrace',
  detect: (path, head) => path.endsWith('.bt') || /^#!.*\bbpftrace\b/.test(head.subarray(0, 200).toString('latin1')),
  read: readBpftrace,
};
