/** Builds tar archives by hand, for members no well-behaved archiver writes (`../` paths, links). */
import zlib from 'node:zlib';

function header(name: string, size: number, type: '0' | '2' | '5', link = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148); // checksum placeholder: spaces while summing
  h.write(type, 156);
  h.write(link, 157, 100, 'utf8');
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

export interface Member {
  name: string;
  text?: string;
  symlinkTo?: string;
}

export function tarGz(members: Member[]): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    if (m.symlinkTo !== undefined) {
      parts.push(header(m.name, 0, '2', m.symlinkTo));
      continue;
    }
    const body = Buffer.from(m.text ?? '', 'utf8');
    parts.push(header(m.name, body.length, '0'), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(parts));
}
