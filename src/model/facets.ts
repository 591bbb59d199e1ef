/**
 * What a side can tell, by the kind of source its events were read from. A comparison compares only what both
 * sides can tell: a capture has no TP_PROTO, a tree without a syscall table predicts no syscall events, a BTF has no
 * TRACE_SYSTEM. A `Record` over the origin kinds, so that a new kind cannot be added without saying what it tells.
 */
import type { OriginKind, Snapshot } from './snapshot.js';
import { hasEventOfKind } from './event-index.js';

export interface Facets {
  /** Print arguments as the kernel prints them after preprocessing (tracefs), or as written (tree). */
  printArgsExpanded: boolean;
  /** TP_PROTO argument lists. */
  proto: boolean;
  /** Bare tracepoints (DECLARE_TRACE), which have no tracefs interface. */
  tracepoints: boolean;
  /** The preprocessor condition of each definition. */
  conditions: boolean;
  /** Which DECLARE_EVENT_CLASS each event was defined through. */
  classes: boolean;
  /** syscalls:sys_enter_* / sys_exit_* events. */
  syscalls: boolean;
  /** Holds every definition whatever the configuration (a tree), not one built kernel's events. */
  allConfigs: boolean;
  /** Print formats (TP_printk). */
  print: boolean;
  /** TRACE_SYSTEM of every event: a side without it pairs events by name alone. */
  systems: boolean;
  /**
   * Pointer address spaces in type names (`void __seg_gs *`, `__percpu`, `__user`): BTF from GCC builds keeps
   * none, so a side without them compares pointer types without them.
   */
  addressSpaces: boolean;
  /**
   * The `ftrace` system's own events (function, print, ... from kernel/trace/trace_entries.h), which are no
   * tracepoints, so BTF has no trace of them. (A tree does not extract them either; its comparisons with a
   * capture keep reporting them as before.)
   */
  ftraceEvents: boolean;
}

export const FACETS: Readonly<Record<OriginKind, Facets>> = {
  tree: { printArgsExpanded: false, proto: true, tracepoints: true, conditions: true, classes: true, syscalls: true, allConfigs: true, print: true, systems: true, addressSpaces: true, ftraceEvents: true },
  tracefs: { printArgsExpanded: true, proto: false, tracepoints: false, conditions: false, classes: false, syscalls: true, allConfigs: false, print: true, systems: true, addressSpaces: true, ftraceEvents: true },
  btf: { printArgsExpanded: false, proto: true, tracepoints: true, conditions: false, classes: true, syscalls: false, allConfigs: false, print: false, systems: false, addressSpaces: false, ftraceEvents: false },
};

export function facetsOf(kind: OriginKind): Facets {
  return FACETS[kind];
}

/** What one side tells: its origin's facets. (A side read from several origins would combine them here.) */
/** What an origin merged into a side (`kernel.also`) adds to it: BTF gives a capture its prototypes and classes. */
const MERGED: Readonly<Record<OriginKind, readonly (keyof Facets)[]>> = { tree: [], tracefs: [], btf: ['proto', 'classes'] };

export function sideFacets(s: Snapshot): Facets {
  let f = facetsOf(s.kernel.kind);
  for (const k of s.kernel.also ?? []) {
    f = { ...f };
    for (const facet of MERGED[k]) f[facet] = true;
  }
  // A tree's syscall events are predicted from its x86_64 syscall table and its trace_syscalls.c: a tree
  // that has none (a partial tree, a generator of unknown form, a snapshot made before they were predicted)
  // cannot tell them, and must not make the other side's look added or removed.
  if (f.syscalls && s.kernel.kind === 'tree' && !hasEventOfKind(s, 'syscall')) f = { ...f, syscalls: false };
  // A tree predicted for one configuration (--kconfig) holds the events that build has, conditions decided.
  if (s.kernel.kind === 'tree' && s.kernel.kconfig !== undefined) f = { ...f, allConfigs: false, conditions: false };
  return f;
}

/** What both sides tell. */
export function sharedFacets(a: Facets, b: Facets): Facets {
  const out = {} as Facets;
  for (const k of Object.keys(a) as (keyof Facets)[]) out[k] = a[k] && b[k];
  return out;
}
