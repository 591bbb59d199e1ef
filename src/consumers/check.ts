/**
 * What a kernel change (or one kernel alone) does to one consumer use, by the way the use reads. Pure: the
 * consumer-break rule (rules/consumer-break.ts) turns these verdicts into findings.
 *
 * - by-name readers survive moved offsets and appended fields; they break when the field is removed or
 *   renamed, its kind of type changes (integer / pointer / string / struct), a scalar changes size, or a fixed
 *   array becomes `__data_loc` (or back);
 * - fixed-offset readers break on any move or resize of what they read;
 * - positional readers break when an argument at or before their index is inserted, removed or retyped,
 *   not when one is appended;
 * - every use breaks when its event is gone (removed, renamed, moved to another system; a tracefs reader
 *   also when the event was demoted to a bare tracepoint).
 * A side that cannot tell something (a capture has no TP_PROTO, a tree no syscall events) never makes it a break.
 */
import type { Comparison, EventPair } from '../diff/compare.js';
import { sideFacets } from '../model/facets.js';
import type { EventDef, Field, Snapshot } from '../model/snapshot.js';
import { eventKey } from '../model/snapshot.js';
import { releaseInRange } from './libbpf/gate.js';
import type { Use } from './model.js';

export interface Verdict {
  /** The drift rule naming the kernel change behind it (or `missing`/`mismatch` against one kernel). */
  cause: string;
  /** The kernel event the verdict is about (a glob use resolves to events). */
  event: string;
  /** What changed, in words. */
  change: string;
  /** Why this way of reading breaks on it. */
  why: string;
  /** The break is about the event being absent (what a tracepoint_exists guard covers). */
  eventMissing?: boolean;
  /** About a field being absent (what a field-exists guard covers). */
  fieldMissing?: boolean;
  old?: unknown;
  new?: unknown;
}

const isGlob = (p: string): boolean => /[*?]/.test(p);

function globRegExp(p: string): RegExp {
  return new RegExp('^' + p.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
}

/** Events of a snapshot a use attaches to: tracefs readers need a trace event, raw readers any tracepoint. */
export function resolveUse(use: Use, s: Snapshot): EventDef[] {
  const raw = use.attach !== 'tracefs';
  const byName = raw && use.event.startsWith(':');
  const re = globRegExp(byName ? use.event.slice(1) : use.event);
  const found = s.events.filter((e) => (byName ? re.test(e.name) : (raw || e.kind !== 'tracepoint') && re.test(eventKey(e))));
  // By name alone a tree also finds samples/ definitions (custom:sched_switch): the kernel's own come first.
  const own = found.filter((e) => !e.location?.file.startsWith('samples/'));
  return own.length > 0 ? own : found;
}

/** Whether a side can tell if the use's event exists at all. */
export function canTellEvent(use: Use, s: Snapshot): boolean {
  const f = sideFacets(s);
  const system = use.event.startsWith(':') ? undefined : use.event.split(':')[0];
  if (system === 'syscalls' && !f.syscalls) return false;
  // A raw tracepoint may be a bare DECLARE_TRACE, which a capture does not show.
  if (use.attach !== 'tracefs' && !f.tracepoints) return false;
  if (use.attach !== 'tracefs' && use.event.startsWith(':') && !f.systems) return true;
  return true;
}

type Kind = 'integer' | 'pointer' | 'string' | 'struct' | 'other';

function typeKind(f: Field): Kind {
  const t = f.type.replace(/\b(?:const|volatile|unsigned|signed)\b/g, '').trim();
  if (f.dynamic || (f.array !== undefined && /^(?:char|u8|unsigned char)$/.test(t || 'int'))) return 'string';
  if (t.endsWith('*')) return 'pointer';
  if (/^(?:struct|union)\b/.test(t)) return 'struct';
  if (f.array !== undefined) return 'other';
  return 'integer';
}

function describe(f: Field): string {
  const loc = f.dynamic ? `__${f.dynamic} ` : '';
  const dims = f.array === undefined ? '' : `[${f.array === '[]' ? '' : f.array}]`;
  return `${loc}${f.type}${dims}${f.size !== undefined ? ` (${f.size} bytes)` : ''}`;
}

function headerField(s: Snapshot, name: string): Field | undefined {
  return s.header.common.find((f) => f.name === name);
}

function fieldOf(ev: EventDef, s: Snapshot, name: string): Field | undefined {
  return ev.fields.find((f) => f.name === name) ?? (name.startsWith('common_') ? headerField(s, name) : undefined);
}

/** The field a fixed-offset read without a field name lands on (libbpf's syscalls:* reads through raw_syscalls' struct). */
function fieldAt(ev: EventDef, s: Snapshot, offset: number): Field | undefined {
  return [...s.header.common, ...ev.fields].find((f) => f.offset !== undefined && f.offset <= offset && offset < f.offset + (f.size ?? 1));
}

/** An unnamed fixed-offset read on one kernel: does a field start there, as wide as the read? */
function offsetVerdict(use: Use, ev: EventDef, s: Snapshot): Verdict | undefined {
  if (use.offset === undefined || ev.fields.every((f) => f.offset === undefined)) return undefined;
  const f = fieldAt(ev, s, use.offset);
  const event = eventKey(ev);
  const what = `${use.size ?? '?'} bytes at offset ${use.offset}${use.member ? ` (${use.struct ? `${use.struct}.` : ''}${use.member})` : ''}`;
  if (!f) return { cause: 'missing', event, change: `${event} has no field at offset ${use.offset}`, why: `the reader reads ${what}`, fieldMissing: true };
  if (f.offset !== use.offset || (use.size !== undefined && f.size !== undefined && f.size !== use.size)) {
    return { cause: 'mismatch', event, change: `offset ${use.offset} is inside '${f.name}' (offset ${f.offset}, ${f.size ?? '?'} bytes)`, why: `the reader reads ${what}`, new: { field: f.name, offset: f.offset, size: f.size } };
  }
  return undefined;
}

/**
 * A CO-RE reader relocates against the kernel's `struct trace_event_raw_<class>` by name: on a side that knows
 * classes, the struct the reader names must be its event's. (syscalls:* reads go through raw_syscalls' struct.)
 */
function structVerdict(use: Use, ev: EventDef, s: Snapshot): Verdict | undefined {
  if (use.attach !== 'tracefs' || !use.struct?.startsWith('trace_event_raw_') || ev.system === 'syscalls' || !sideFacets(s).classes) return undefined;
  const own = `trace_event_raw_${ev.class ?? ev.name}`;
  if (own === use.struct) return undefined;
  const event = eventKey(ev);
  return { cause: 'mismatch', event, change: `${event}'s record is struct ${own}`, why: `the reader's CO-RE relocations name struct ${use.struct}`, fieldMissing: true, old: use.struct, new: own };
}

const normProtoType = (t: string): string => t.replace(/\bconst\b/g, '').replace(/\s+/g, ' ').replace(/\s*\*/g, ' *').trim();

/** A by-name read across a field pair: the reason it breaks, or undefined. */
function byNameChange(o: Field, n: Field): Omit<Verdict, 'event'> | undefined {
  if (Boolean(o.dynamic) !== Boolean(n.dynamic)) {
    return {
      cause: 'field-became-dynamic',
      change: `'${n.name}' ${describe(o)} → ${describe(n)}`,
      why: n.dynamic ? 'the reader reads the string in place; the record now holds a __data_loc offset/length word' : 'the reader follows a __data_loc word; the record now holds the array in place',
      old: describe(o),
      new: describe(n),
    };
  }
  const ko = typeKind(o);
  const kn = typeKind(n);
  if (ko !== kn) return { cause: 'field-type-changed', change: `'${n.name}' ${describe(o)} → ${describe(n)}`, why: `the reader treats it as ${ko === 'integer' ? 'an integer' : `a ${ko}`}; it is now ${kn === 'integer' ? 'an integer' : `a ${kn}`}`, old: describe(o), new: describe(n) };
  if (ko === 'integer' && o.size !== undefined && n.size !== undefined && o.size !== n.size) {
    return { cause: 'field-size-changed', change: `'${n.name}' ${o.size} → ${n.size} bytes`, why: 'the value no longer has the width the reader stores it in', old: o.size, new: n.size };
  }
  return undefined;
}

function fieldVerdicts(use: Use, pair: EventPair, cmp: Comparison): Verdict[] {
  const event = eventKey(pair.new);
  const name = use.field!;
  const o = fieldOf(pair.old, cmp.old, name);
  if (!o) return [];
  const n = fieldOf(pair.new, cmp.new, name);
  if (!n) {
    const renamed = pair.fields.renamed.find((r) => r.old.name === name);
    return [
      renamed
        ? { cause: 'field-renamed', event, change: `field '${name}' renamed to '${renamed.new.name}'`, why: `the reader asks for '${name}' by name`, fieldMissing: true, old: name, new: renamed.new.name }
        : { cause: 'field-removed', event, change: `field '${name}' removed`, why: use.read === 'fixed-offset' ? `the reader reads it at offset ${use.offset ?? o.offset}` : `the reader asks for '${name}' by name`, fieldMissing: true, old: describe(o) },
    ];
  }
  if (use.read === 'fixed-offset') {
    if (o.offset !== undefined && n.offset !== undefined && o.offset !== n.offset) {
      const header = pair.old.fields[0]?.offset !== pair.new.fields[0]?.offset && o.offset - (pair.old.fields[0]?.offset ?? 0) === n.offset - (pair.new.fields[0]?.offset ?? 0);
      return [{ cause: header ? 'common-fields-changed' : 'field-offset-changed', event, change: `'${name}' moved: offset ${o.offset} → ${n.offset}`, why: `the reader reads ${use.size ?? o.size ?? '?'} bytes at the fixed offset ${use.offset ?? o.offset}`, old: o.offset, new: n.offset }];
    }
    if (o.size !== undefined && n.size !== undefined && o.size !== n.size) {
      return [{ cause: 'field-size-changed', event, change: `'${name}' ${o.size} → ${n.size} bytes`, why: `the reader reads ${use.size ?? o.size} bytes at offset ${use.offset ?? o.offset}`, old: o.size, new: n.size }];
    }
    return [];
  }
  const c = byNameChange(o, n);
  return c ? [{ ...c, event }] : [];
}

function argVerdicts(use: Use, pair: EventPair): Verdict[] {
  const i = use.arg!;
  const op = pair.old.proto;
  const np = pair.new.proto;
  if (!op || !np || i >= op.length) return [];
  const event = `${pair.new.system}:${pair.new.name}`;
  const sig = (p: typeof op): string => p.map((a) => `${a.type} ${a.name}`).join(', ');
  const base = { cause: 'proto-changed', event, old: sig(op), new: sig(np) };
  if (i >= np.length) return [{ ...base, change: `TP_PROTO lost argument ${i} (${op[i]!.type} ${op[i]!.name})`, why: `the reader loads ctx[${i}]` }];
  for (let j = 0; j <= i; j++) {
    const a = op[j]!;
    const b = np[j]!;
    if (normProtoType(a.type) !== normProtoType(b.type)) {
      return [{ ...base, change: `TP_PROTO argument ${j}: ${a.type} ${a.name} → ${b.type} ${b.name}`, why: `the reader loads ctx[${i}] as ${use.type ?? op[i]!.type}${j < i ? ', and the arguments before it shifted' : ''}` }];
    }
    if (a.name !== b.name && np.some((x, k) => k !== j && x.name === a.name)) {
      return [{ ...base, change: `TP_PROTO argument '${a.name}' moved from position ${j} to ${np.findIndex((x) => x.name === a.name)}`, why: `the reader loads ctx[${i}] by position` }];
    }
  }
  return [];
}

function printVerdicts(use: Use, pair: EventPair): Verdict[] {
  const o = pair.old.print?.fmt;
  const n = pair.new.print?.fmt;
  if (o === undefined || n === undefined || o === n) return [];
  return [{ cause: 'print-format-changed', event: eventKey(pair.new), change: `print format "${o}" → "${n}"`, why: 'the reader parses the printed text', old: o, new: n }];
}

/**
 * Does a kernel-version-gated use (libbpf's LINUX_KERNEL_VERSION tests) run on this kernel? A kernel whose
 * release is unknown or does not parse runs every alternative (nothing is dropped for want of a release).
 */
export function gateHolds(use: Use, kernel: Snapshot): boolean {
  if (!use.gateRange || !kernel.kernel.release) return true;
  return releaseInRange(kernel.kernel.release, use.gateRange) ?? true;
}

/** What a comparison does to one use. Empty: it keeps working (or did not work on the old side either). */
export function checkUseAcross(use: Use, cmp: Comparison): Verdict[] {
  // A gated alternative the new kernel does not take cannot break there; one the old kernel did not take is
  // new on this kernel: judged on the new kernel alone (a wrong gate shows there as a mismatch).
  if (!gateHolds(use, cmp.new)) return [];
  if (!gateHolds(use, cmp.old)) {
    const v = checkUseOn(use, cmp.new);
    return v === 'unknown' ? [] : v;
  }
  const v = checkUngatedAcross(use, cmp);
  return use.gate ? v.map((x) => withGate(x, use, cmp.new)) : v;
}

function checkUngatedAcross(use: Use, cmp: Comparison): Verdict[] {
  if (!canTellEvent(use, cmp.old) || !canTellEvent(use, cmp.new)) return [];
  const olds = resolveUse(use, cmp.old);
  if (olds.length === 0) return [];
  const news = resolveUse(use, cmp.new);
  const pairs: EventPair[] = [];
  const out: Verdict[] = [];
  for (const o of olds) {
    const p = cmp.pairs.find((x) => x.old === o);
    const attachable = p && (use.attach !== 'tracefs' || p.new.kind !== 'tracepoint');
    const sameName = p && (use.attach === 'tracefs' ? p.relation === 'same' : p.new.name === o.name);
    if (p && attachable && sameName) {
      pairs.push(p);
      continue;
    }
    // A wildcard attaches to whatever matches: losing one member breaks nothing while others remain.
    if (isGlob(use.event) && news.length > 0) continue;
    const key = eventKey(o);
    if (p && !attachable) out.push({ cause: 'event-demoted', event: key, change: `${key} became a bare tracepoint (no tracefs interface)`, why: 'the reader attaches to the trace event', eventMissing: true });
    else if (p) out.push({ cause: p.relation === 'moved' ? 'event-moved-system' : 'event-renamed', event: key, change: `${key} is now ${eventKey(p.new)}`, why: `the reader attaches to ${key} by name`, eventMissing: true, old: key, new: eventKey(p.new) });
    else if (news.length === 0) out.push({ cause: 'event-removed', event: key, change: cmp.configBound ? `${key} is not on the new side (removed, or not built in the captured configuration)` : `${key} removed`, why: 'the reader attaches to it', eventMissing: true });
  }
  // A tree may define one event once per architecture (kvm:kvm_exit): the use keeps working if one does.
  const byKey = new Map<string, Verdict[][]>();
  for (const p of pairs) {
    // The struct the reader relocates against stopped being its event's (the event moved to another class).
    const st = !structVerdict(use, p.old, cmp.old) ? structVerdict(use, p.new, cmp.new) : undefined;
    if (st) {
      byKey.set(eventKey(p.old), [...(byKey.get(eventKey(p.old)) ?? []), [st]]);
      continue;
    }
    const v =
      use.field !== undefined
        ? fieldVerdicts(use, p, cmp)
        : use.arg !== undefined
          ? argVerdicts(use, p)
          : use.read === 'print-text'
            ? printVerdicts(use, p)
            : use.read === 'fixed-offset' && use.offset !== undefined && !offsetVerdict(use, p.old, cmp.old)
              ? [offsetVerdict(use, p.new, cmp.new)].filter((x): x is Verdict => x !== undefined)
              : [];
    const key = eventKey(p.old);
    byKey.set(key, [...(byKey.get(key) ?? []), v]);
  }
  for (const variants of byKey.values()) if (variants.every((v) => v.length > 0)) out.push(...variants[0]!);
  return out;
}

/** What one kernel alone says about a use: does it find everything it needs, where it expects it? */
export function checkUseOn(use: Use, kernel: Snapshot): Verdict[] | 'unknown' {
  if (!gateHolds(use, kernel)) return [];
  const v = checkUngatedOn(use, kernel);
  return v === 'unknown' || !use.gate ? v : v.map((x) => withGate(x, use, kernel));
}

/** A break on a path the program chose by kernel version: the gate guessed this kernel's prototype wrong. */
function withGate(v: Verdict, use: Use, kernel: Snapshot): Verdict {
  const release = kernel.kernel.release ?? 'this kernel';
  return { ...v, why: `${v.why}; the program takes this path because ${use.gate} holds for ${release}: the version gate is wrong for this kernel` };
}

function checkUngatedOn(use: Use, kernel: Snapshot): Verdict[] | 'unknown' {
  const evs = resolveUse(use, kernel);
  // A side without bare tracepoints still shows a raw tracepoint that is also a trace event; one it does
  // not show may be bare, so its absence says nothing.
  if (!canTellEvent(use, kernel) && (evs.length === 0 || use.attach === 'tracefs')) return 'unknown';
  if (evs.length === 0) {
    const bare = use.attach === 'tracefs' && resolveUse({ ...use, attach: 'raw_tp' }, kernel).some((e) => eventKey(e) === use.event);
    return [
      bare
        ? { cause: 'missing', event: use.event, change: `${use.event} is a bare tracepoint here (no tracefs interface)`, why: 'the reader attaches to the trace event', eventMissing: true }
        : { cause: 'missing', event: use.event, change: sideFacets(kernel).allConfigs ? `${use.event} does not exist in this kernel` : `${use.event} is not in this kernel (or not built/loaded when it was captured)`, why: 'the reader attaches to it', eventMissing: true },
    ];
  }
  // One verdict list per definition; a key defined once per architecture keeps working if one variant does.
  const byKey = new Map<string, Verdict[][]>();
  for (const ev of evs) {
    const out: Verdict[] = [];
    const event = eventKey(ev);
    byKey.set(event, [...(byKey.get(event) ?? []), out]);
    const st = structVerdict(use, ev, kernel);
    if (st) {
      out.push(st);
      continue;
    }
    if (use.field !== undefined) {
      const f = fieldOf(ev, kernel, use.field);
      if (!f) {
        out.push({ cause: 'missing', event, change: `${event} has no field '${use.field}'`, why: use.read === 'fixed-offset' ? `the reader reads it at offset ${use.offset}` : `the reader asks for '${use.field}' by name`, fieldMissing: true });
        continue;
      }
      if (use.read === 'fixed-offset' && use.offset !== undefined && f.offset !== undefined && (use.offset !== f.offset || (use.size !== undefined && f.size !== undefined && use.size !== f.size))) {
        out.push({ cause: 'mismatch', event, change: `'${use.field}' is at offset ${f.offset}, ${f.size ?? '?'} bytes`, why: `the reader's struct puts it at offset ${use.offset}, ${use.size ?? '?'} bytes`, old: { offset: use.offset, size: use.size }, new: { offset: f.offset, size: f.size } });
      } else if (use.type !== undefined && use.type.startsWith('__data_loc') !== Boolean(f.dynamic)) {
        out.push({ cause: 'mismatch', event, change: `'${use.field}' is ${describe(f)}`, why: `the reader expects ${use.type}` });
      }
    } else if (use.arg !== undefined) {
      if (!ev.proto) continue;
      if (use.arg >= ev.proto.length) {
        out.push({ cause: 'mismatch', event, change: `TP_PROTO has ${ev.proto.length} arguments`, why: `the reader loads ctx[${use.arg}]` });
        continue;
      }
      const want = use.type && /^(?:const\s+)?struct\s+\w+\s*\*$/.test(use.type.trim()) ? normProtoType(use.type) : undefined;
      const have = normProtoType(ev.proto[use.arg]!.type);
      if (want && /^struct\s+\w+ \*$/.test(have) && want !== have) {
        out.push({ cause: 'mismatch', event, change: `TP_PROTO argument ${use.arg} is ${ev.proto[use.arg]!.type} ${ev.proto[use.arg]!.name}`, why: `the reader casts ctx[${use.arg}] to ${use.type}` });
      }
    } else if (use.read === 'fixed-offset' && use.offset !== undefined) {
      const v = offsetVerdict(use, ev, kernel);
      if (v) out.push(v);
    } else if (use.read === 'print-text' && use.print !== undefined && ev.print && ev.print.fmt !== use.print) {
      out.push({ cause: 'mismatch', event, change: `print format is "${ev.print.fmt}"`, why: `the reader parses "${use.print}"` });
    }
  }
  return [...byKey.values()].flatMap((variants) => (variants.every((v) => v.length > 0) ? variants[0]! : []));
}
