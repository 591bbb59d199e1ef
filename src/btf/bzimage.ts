/**
 * The x86 boot image (bzImage, a distribution's `vmlinuz`): where its compressed kernel is. Pure: reads the real-mode
 * setup header (Documentation/arch/x86/boot.rst) of bytes in memory.
 *
 * API (stable): `isBzImage(bytes)`; `bzImagePayload(bytes, file?)` → `{ offset, length, compression, version? }`
 * (`compression` from the payload's magic: gzip, xz, zstd, or another the kernel knows, which callers reject),
 * or an InputError naming the file and the offset of what is wrong.
 */
import { InputError } from '../errors.js';

export type Compression = 'gzip' | 'xz' | 'zstd' | 'bzip2' | 'lzma' | 'lzo' | 'lz4' | 'unknown';

export interface BzPayload {
  /** File offset of the compressed kernel (an ELF vmlinux once decompressed). */
  offset: number;
  length: number;
  compression: Compression;
  /** The kernel's version string (`6.1.0-50-amd64 (debian-kernel@...) #1 SMP ... Debian 6.1.176-1`). */
  version?: string;
}

const HDRS = 0x53726448; // "HdrS"

export function isBzImage(bytes: Uint8Array): boolean {
  return bytes.length > 0x210 && bytes[0x1fe] === 0x55 && bytes[0x1ff] === 0xaa && readU32(bytes, 0x202) === HDRS;
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

export function compressionOf(b: Uint8Array): Compression {
  const m = (sig: number[]) => sig.every((x, i) => b[i] === x);
  if (m([0x1f, 0x8b])) return 'gzip';
  if (m([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (m([0x28, 0xb5, 0x2f, 0xfd])) return 'zstd';
  if (m([0x42, 0x5a, 0x68])) return 'bzip2';
  if (m([0x5d, 0x00, 0x00])) return 'lzma';
  if (m([0x89, 0x4c, 0x5a, 0x4f])) return 'lzo';
  if (m([0x02, 0x21, 0x4c, 0x18])) return 'lz4';
  return 'unknown';
}

export function bzImagePayload(bytes: Uint8Array, file = '<vmlinuz>'): BzPayload {
  if (!isBzImage(bytes)) throw new InputError(file, 'not a bzImage (no 0x55AA boot signature at offset 0x1fe and "HdrS" at 0x202)');
  const protocol = (bytes[0x206] ?? 0) | ((bytes[0x207] ?? 0) << 8);
  if (protocol < 0x208) {
    throw new InputError(file, `boot protocol ${protocol.toString(16)} at offset 0x206 has no payload_offset (2.08 and later do)`);
  }
  const setupSects = bytes[0x1f1] || 4;
  const start = (setupSects + 1) * 512;
  const offset = start + readU32(bytes, 0x248);
  const length = readU32(bytes, 0x24c);
  if (length === 0 || offset + length > bytes.length) {
    throw new InputError(file, `bzImage payload (offset ${offset}, ${length} bytes, from the header at 0x248) is past the end of the file (${bytes.length} bytes)`);
  }
  const out: BzPayload = { offset, length, compression: compressionOf(bytes.subarray(offset, offset + 8)) };
  const verPtr = (bytes[0x20e] ?? 0) | ((bytes[0x20f] ?? 0) << 8);
  if (verPtr > 0 && verPtr + 0x200 < start) {
    let end = verPtr + 0x200;
    while (end < start && bytes[end] !== 0) end++;
    const version = Buffer.from(bytes.buffer, bytes.byteOffset + verPtr + 0x200, end - verPtr - 0x200).toString('latin1');
    if (/^\d+\.\d+/.test(version)) out.version = version;
  }
  return out;
}
