/** tracefs as a source kind: a directory holding events/<system>/<event>/format, or a .tar/.tar.gz of one. */
import path from 'node:path';
import type { SourceReader } from '../source.js';
import { isTarPath } from './reader.js';

export const tracefsSource: SourceReader = {
  kind: 'tracefs',
  looksLike: { file: 'tracefs archive (.tar, .tar.gz)', dir: 'tracefs capture (no events/)' },
  detect: (p) =>
    p.stat.isFile() ? isTarPath(p.arg) : p.isDir('events') || path.basename(path.resolve(p.arg)) === 'events',
  async load(arg) {
    const { loadTracefs } = await import('./reader.js');
    return loadTracefs(arg);
  },
};
