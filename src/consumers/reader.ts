/**
 * The consumer reader interface: one reader per consumer family (bpftrace scripts, bcc Python tools, libbpf
 * objects, .bpf.c sources, manifests). The registry (./registry.ts) lists them.
 */
import type { ConsumerFamily, ConsumerProblem, ConsumerTool, Use } from './model.js';

export interface ConsumerFile {
  /** The path as given (or below a given folder). */
  path: string;
  data: Buffer;
}

export interface ConsumerReading {
  tools: ConsumerTool[];
  uses: Use[];
  problems: ConsumerProblem[];
}

export interface ConsumerReader {
  readonly family: ConsumerFamily;
  /** Claims a file from its name and first bytes; readers are asked in registry order. */
  detect(path: string, head: Buffer): boolean;
  /** Reads one file. A file that cannot be read at all throws an InputError; parts it cannot read are problems. */
  read(file: ConsumerFile): ConsumerReading;
}
