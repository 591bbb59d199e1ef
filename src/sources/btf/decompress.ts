/**
 * Decompression of what kernels ship compressed: a vmlinuz payload (xz in Debian 6.1, zstd in 6.12, gzip
 * elsewhere), `.ko.xz` / `.ko.zst` / `.ko.gz` modules, a raw BTF kept as `.xz`. gzip comes from node:zlib; xz from
 * lzma-native (liblzma itself, N-API, with the x86 BCJ filter kernels are compressed with; the pure-JS and wasm
 * decoders measured either lack that filter or need Node 22, see docs/btf.md); zstd from node:zlib where Node has
 * it (22.15+), else @foxglove/wasm-zstd (libzstd in wasm; fzstd, pure JS, took 27 s for a 6.12 kernel).
 * Bad data is an InputError naming the file and what it was.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { InputError } from '../../errors.js';
import { type Compression, compressionOf } from '../../btf/bzimage.js';

const require = createRequire(import.meta.url);

interface LzmaNative {
  decompress(buf: Buffer, opts?: Record<string, unknown>): Promise<Buffer>;
}
interface WasmZstd {
  isLoaded: Promise<boolean>;
  decompress(buf: Uint8Array, size: number): Buffer;
}
type ZstdSync = (buf: Uint8Array) => Buffer;

export { compressionOf };

/** How big a zstd frame says its content is (Frame_Content_Size), when it says. */
function zstdContentSize(b: Uint8Array): number | undefined {
  const fhd = b[4];
  if (fhd === undefined) return undefined;
  const fcsFlag = fhd >> 6;
  const single = (fhd >> 5) & 1;
  const dictFlag = fhd & 3;
  let at = 5 + (single ? 0 : 1) + [0, 1, 2, 4][dictFlag]!;
  const size = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
  if (size === 0 || at + size > b.length) return undefined;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  at += size;
  return size === 2 ? v + 256 : v;
}

/**
 * The decompressed bytes. `sizeHint` is what the kernel's build appended to a vmlinuz payload (the uncompressed
 * size, used where the zstd frame does not say). `what` names the data in errors ("payload at offset 21196").
 */
export async function decompress(data: Uint8Array, file: string, what: string, sizeHint?: number): Promise<Uint8Array> {
  const kind = compressionOf(data);
  const fail = (e: unknown): never => {
    const msg = e instanceof Error ? e.message : String(e);
    throw new InputError(file, `corrupt ${kind} data (${what}): ${msg.split('\n')[0]}`);
  };
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  switch (kind) {
    case 'gzip':
      try {
        return zlib.gunzipSync(buf);
      } catch (e) {
        return fail(e);
      }
    case 'xz': {
      const lzma = require('lzma-native') as LzmaNative;
      try {
        return await lzma.decompress(buf);
      } catch (e) {
        return fail(e);
      }
    }
    case 'zstd': {
      const native = (zlib as unknown as { zstdDecompressSync?: ZstdSync }).zstdDecompressSync;
      if (native) {
        try {
          return native(buf);
        } catch (e) {
          return fail(e);
        }
      }
      const size = zstdContentSize(buf) ?? sizeHint;
      if (size === undefined) fail(new Error('the zstd frame does not give its content size'));
      const z = require('@foxglove/wasm-zstd') as WasmZstd;
      await z.isLoaded;
      try {
        return z.decompress(buf, size!);
      } catch (e) {
        return fail(e);
      }
    }
    default:
      throw new InputError(file, `${what} is ${kind === 'unknown' ? 'in no compression format tpdrift knows' : `${kind}-compressed, which tpdrift does not read (gzip, xz and zstd it does)`}`);
  }
}

export function isCompressed(data: Uint8Array): Compression | undefined {
  const c = compressionOf(data);
  return c === 'unknown' ? undefined : c;
}
