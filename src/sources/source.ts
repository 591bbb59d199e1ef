/**
 * What a source kind is: one reader per origin kind, each saying how it recognises an argument and how it
 * reads one. The registry (./registry.ts) lists them; detection, `--kind`'s choices and loading all derive
 * from that list, and what each kind can tell lives beside the model (src/model/facets.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { OriginKind, Snapshot } from '../model/snapshot.js';
import type { TreeArch } from './tree/arch.js';

/** A step of a long read, for progress on stderr (what it is doing, not only how far). */
export type LoadPhase =
  | { phase: 'listing' }
  | { phase: 'reading'; files: number; cached: number }
  | { phase: 'building'; units: number }
  | { phase: 'done'; events: number };

export interface LoadOptions {
  onProgress?: (done: number, total: number) => void;
  onPhase?: (p: LoadPhase) => void;
  /** Tree sources only: the architecture predicted for (`--arch`; default x86_64). Other kinds say what they were built for. */
  arch?: TreeArch;
  /** Tree sources only: a kernel `.config` that decides CONFIG_ conditions (`--kconfig`). */
  kconfig?: string;
}

/**
 * A look at an argument for detection: cheap, lazy and never throwing (an unreadable entry just does not
 * match). Readers use it instead of touching the file system themselves, so that every detection sees the
 * same answers.
 */
export interface Probe {
  readonly arg: string;
  readonly stat: fs.Stats;
  /** The first bytes of a file (up to 4 KiB); empty for a directory or an unreadable file. */
  head(): Buffer;
  /** Whether `rel` below a directory argument is a directory. */
  isDir(rel: string): boolean;
  /** Whether `rel` below a directory argument is a regular file. */
  isFile(rel: string): boolean;
  /** The directory's entries, sorted; empty when unreadable. */
  entries(): string[];
}

export interface SourceReader {
  readonly kind: OriginKind;
  /**
   * What an argument of this kind looks like, for the "not a …" error of an argument no reader claims: as a
   * file (`tracefs archive (.tar, .tar.gz)`) and as a directory (`kernel tree (no include/trace)`).
   */
  readonly looksLike: { readonly file?: string; readonly dir?: string };
  /** Claims an argument on sight. Readers are asked in registry order; the first to claim it reads it. */
  detect(probe: Probe): boolean;
  /** Reads the argument into a snapshot, or throws an InputError naming the file and where in it. */
  load(arg: string, opts: LoadOptions): Promise<Snapshot>;
}

const HEAD_BYTES = 4096;

export function makeProbe(arg: string, stat: fs.Stats): Probe {
  let head: Buffer | undefined;
  let entries: string[] | undefined;
  const statOf = (rel: string): fs.Stats | undefined => {
    try {
      return fs.statSync(path.join(arg, rel));
    } catch {
      return undefined;
    }
  };
  return {
    arg,
    stat,
    head() {
      if (head) return head;
      head = Buffer.alloc(0);
      if (!stat.isFile()) return head;
      let fd: number | undefined;
      try {
        fd = fs.openSync(arg, 'r');
        const buf = Buffer.alloc(HEAD_BYTES);
        head = buf.subarray(0, fs.readSync(fd, buf, 0, HEAD_BYTES, 0));
      } catch {
        // Unreadable: no reader claims it by content; loading it reports why.
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
      return head;
    },
    isDir: (rel) => statOf(rel)?.isDirectory() ?? false,
    isFile: (rel) => statOf(rel)?.isFile() ?? false,
    entries() {
      if (!entries) {
        try {
          entries = stat.isDirectory() ? fs.readdirSync(arg).sort() : [];
        } catch {
          entries = [];
        }
      }
      return entries;
    },
  };
}
