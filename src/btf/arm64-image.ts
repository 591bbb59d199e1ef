/**
 * The arm64 boot image (`Image`, Debian's arm64 `vmlinuz`; Documentation/arch/arm64/booting.rst): a raw copy of
 * the kernel's memory, no ELF. Its BTF is there as the bytes of the `.BTF` section (between __start_BTF and
 * __stop_BTF), found here by its header: magic 0xEB9F, version 1, hdr_len 24, and sections that fit the file.
 * Pure: works on bytes in memory.
 *
 * API: `isArm64Image(bytes)`; `arm64ImageBtf(bytes, file?)` → `{ offset, length, version? }` or an InputError
 * naming the file and saying what is missing.
 */
import { InputError } from '../errors.js';

/** "ARM\x64" at offset 56 of the 64-byte header. */
const ARM64_MAGIC = 0x644d5241;

const u32 = (b: Uint8Array, at: number): number => ((b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0);

export function isArm64Image(bytes: Uint8Array): boolean {
  return bytes.length >= 64 && u32(bytes, 56) === ARM64_MAGIC;
}

export interface ImageBtf {
  /** File offset of the BTF header. */
  offset: number;
  /** Bytes of BTF (header, types, strings). */
  length: number;
  /** `Linux version …` banner's release (`6.1.0-50-arm64`), when present. */
  release?: string;
}

/** A plausible little-endian BTF header at `at`: its type and string sections inside the file. */
function btfLengthAt(b: Uint8Array, at: number): number | undefined {
  if (at + 24 > b.length) return undefined;
  if (u32(b, at + 4) !== 24) return undefined; // hdr_len 24 (flags 0 before it are in the needle)
  const typeOff = u32(b, at + 8);
  const typeLen = u32(b, at + 12);
  const strOff = u32(b, at + 16);
  const strLen = u32(b, at + 20);
  if (typeLen === 0 || strLen === 0 || typeOff > strOff) return undefined;
  const end = 24 + Math.max(typeOff + typeLen, strOff + strLen);
  if (at + end > b.length) return undefined;
  // The string section starts with the empty string.
  if (b[at + 24 + strOff] !== 0) return undefined;
  return end;
}

/** Where the image's BTF is: the largest plausible BTF header, since the kernel's own is the whole type graph. */
export function arm64ImageBtf(bytes: Uint8Array, file = '<Image>'): ImageBtf {
  if (!isArm64Image(bytes)) throw new InputError(file, 'not an arm64 Image (no "ARM\\x64" magic at offset 56)');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const needle = Buffer.from([0x9f, 0xeb, 0x01, 0x00]);
  let best: { offset: number; length: number } | undefined;
  for (let at = buf.indexOf(needle, 64); at >= 0; at = buf.indexOf(needle, at + 4)) {
    if (at % 4 !== 0) continue; // the section is aligned
    const length = btfLengthAt(bytes, at);
    if (length !== undefined && (!best || length > best.length)) best = { offset: at, length };
  }
  if (!best) throw new InputError(file, 'arm64 Image holds no BTF (no 0xEB9F header with its sections inside the file): a kernel built without CONFIG_DEBUG_INFO_BTF?');
  const out: ImageBtf = { ...best };
  const banner = buf.indexOf('Linux version ', 64, 'latin1');
  if (banner >= 0) {
    const m = /^Linux version (\S+)/.exec(buf.subarray(banner, banner + 200).toString('latin1'));
    if (m) out.release = m[1]!;
  }
  return out;
}
