/**
 * The libbpf consumer reader: a libbpf-tools binary (a host ELF embedding one or more BPF objects through its
 * skeleton) or a BPF object file itself (`*.bpf.o`). Claims any ELF file; an ELF with no BPF object in it is
 * an InputError (a listed problem in a folder run), as is a truncated or corrupt embedded object.
 */
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { ConsumerFile, ConsumerReader, ConsumerReading } from '../reader.js';
import { findBpfObjects, isBpfElf } from './embedded.js';
import { readBpfObject } from './object.js';
import { type ObjectStats, readObjectUses } from './read.js';

export function toolName(file: string): string {
  return path.basename(file).replace(/\.bpf\.o$/, '').replace(/\.o$/, '');
}

export interface LibbpfReading extends ConsumerReading {
  /** Per embedded object: where it is and what it holds (for the inventory). */
  objects: { offset: number; stats: ObjectStats }[];
}

export function readLibbpfFile(file: ConsumerFile): LibbpfReading {
  const bytes = new Uint8Array(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  const tool = toolName(file.path);
  if (bytes.length < 64) throw new InputError(file.path, `truncated ELF header (${bytes.length} of 64 bytes)`);
  const objects = isBpfElf(bytes, 0) ? [{ offset: 0, bytes }] : findBpfObjects(bytes, file.path);
  if (objects.length === 0) throw new InputError(file.path, 'no embedded BPF object (no ELF with e_machine 247 in it): not a libbpf tool');
  const out: LibbpfReading = { tools: [{ tool, family: 'libbpf', file: file.path }], uses: [], problems: [], objects: [] };
  for (const o of objects) {
    const where = o.offset === 0 ? 'BPF object' : `BPF object at offset ${o.offset}`;
    const obj = readBpfObject(o.bytes, file.path, where);
    const r = readObjectUses(obj, where);
    for (const u of r.uses) out.uses.push({ tool, family: 'libbpf', file: file.path, ...u });
    for (const p of r.problems) out.problems.push(p.line !== undefined ? { file: file.path, line: p.line, message: p.message } : { file: file.path, message: p.message });
    out.objects.push({ offset: o.offset, stats: r.stats });
  }
  return out;
}

export const libbpfReader: ConsumerReader = {
  family: 'libbpf',
  detect(_file: string, head: Buffer): boolean {
    return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
  },
  read(file: ConsumerFile): ConsumerReading {
    const { tools, uses, problems } = readLibbpfFile(file);
    return { tools, uses, problems };
  },
};
