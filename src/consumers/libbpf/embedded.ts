/**
 * Finds the BPF ELF objects a libbpf skeleton binary embeds (`bpftool gen skeleton` puts the object's bytes in
 * a byte array in the host's read-only data): every `\x7fELF` whose header says ELF64, little-endian, e_machine
 * EM_BPF (247). An object's extent is its section header table's end or its last section's end, whichever is
 * later. A header that claims more bytes than the file has is a truncated object: an InputError at its offset.
 */
import { InputError } from '../../errors.js';
import { EM_BPF } from './object.js';

export interface EmbeddedObject {
  /** Byte offset of the object in the host file. */
  offset: number;
  bytes: Uint8Array;
}

const MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const EHDR = 64;
const SHDR = 64;

export function isBpfElf(bytes: Uint8Array, at = 0): boolean {
  return (
    at + 20 <= bytes.length &&
    bytes[at] === 0x7f && bytes[at + 1] === 0x45 && bytes[at + 2] === 0x4c && bytes[at + 3] === 0x46 &&
    bytes[at + 4] === 2 && bytes[at + 5] === 1 && (bytes[at + 18]! | (bytes[at + 19]! << 8)) === EM_BPF
  );
}

export function findBpfObjects(host: Uint8Array, file: string): EmbeddedObject[] {
  const buf = Buffer.from(host.buffer, host.byteOffset, host.byteLength);
  const out: EmbeddedObject[] = [];
  for (let at = buf.indexOf(MAGIC, 1); at >= 0; at = buf.indexOf(MAGIC, at + 1)) {
    if (!isBpfElf(buf, at)) continue;
    if (at + EHDR > buf.length) throw new InputError(file, `BPF object at offset ${at}: truncated ELF header (${buf.length - at} of ${EHDR} bytes)`);
    const shoff = Number(buf.readBigUInt64LE(at + 40));
    const shnum = buf.readUInt16LE(at + 60);
    const tableEnd = shoff + shnum * SHDR;
    if (shoff === 0 || shnum === 0) throw new InputError(file, `BPF object at offset ${at}: no section header table`);
    if (at + tableEnd > buf.length) {
      throw new InputError(file, `BPF object at offset ${at}: its section header table ends at byte ${at + tableEnd}, past the end of the file (${buf.length} bytes)`);
    }
    let end = tableEnd;
    for (let i = 0; i < shnum; i++) {
      const h = at + shoff + i * SHDR;
      const type = buf.readUInt32LE(h + 4);
      if (type === 8 /* NOBITS */ || type === 0) continue;
      end = Math.max(end, Number(buf.readBigUInt64LE(h + 24)) + Number(buf.readBigUInt64LE(h + 32)));
    }
    if (at + end > buf.length) throw new InputError(file, `BPF object at offset ${at}: its sections end at byte ${at + end}, past the end of the file (${buf.length} bytes)`);
    out.push({ offset: at, bytes: host.subarray(at, at + end) });
    at += end - 1;
  }
  return out;
}
