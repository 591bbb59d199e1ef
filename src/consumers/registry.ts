/**
 * Every consumer family tpdrift reads, in the order detection asks them. A new family is a module under
 * src/consumers/ exporting a ConsumerReader, and one line here.
 */
import type { ConsumerReader } from './reader.js';
import { manifestReader } from './manifest/index.js';
import { bpftraceReader } from './bpftrace/index.js';
import { bccReader } from './bcc/index.js';
import { libbpfReader } from './libbpf/index.js';
import { bpfCReader } from './bpf-c/index.js';

export const CONSUMER_READERS: readonly ConsumerReader[] = [manifestReader, bpftraceReader, bccReader, libbpfReader, bpfCReader];

export function consumerReaderFor(path: string, head: Buffer): ConsumerReader | undefined {
  return CONSUMER_READERS.find((r) => r.detect(path, head));
}
