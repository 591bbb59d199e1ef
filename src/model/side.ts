/** How reports name one side of a comparison: the argument as given, its kind, and what it holds. */
import type { Snapshot, SourceKind } from './snapshot.js';
import { eventCount } from './event-index.js';

export interface SideInfo {
  label: string;
  kind: SourceKind;
  events: number;
  release?: string;
  arch?: string;
  /** The .config a tree side was predicted for (`--kconfig`). */
  kconfig?: string;
}

export function describeSource(label: string, kind: SourceKind, snapshot: Snapshot): SideInfo {
  const info: SideInfo = { label, kind, events: eventCount(snapshot) };
  if (snapshot.kernel.release) info.release = snapshot.kernel.release;
  if (snapshot.kernel.arch) info.arch = snapshot.kernel.arch;
  if (snapshot.kernel.kconfig) info.kconfig = snapshot.kernel.kconfig;
  return info;
}
