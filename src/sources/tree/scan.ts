/**
 * One pass over a kernel tree's .c/.h files: which files define trace events (by content), the call sites
 * of tracepoints (`trace_<x>(`, `register_trace_<x>(`, `EXPORT_TRACEPOINT_SYMBOL(x)`), token-pasting
 * call generators (`trace_##x`), and the typedefs and integer constants of the x86_64 headers that format
 * prediction needs. Pure per-file functions, so that the work can be split across worker threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fdir } from 'fdir';

/** Directories never read, with the reason. */
export const SKIPPED_DIRS: Record<string, string> = {
  // User-space copies of kernel headers and test programs: not built into the kernel, define no events.
  tools: 'user-space tools and selftests (copies of kernel headers), not part of the kernel image',
  '.git': 'version control data',
};

/** Lists the tree's .c and .h files, relative, sorted; never follows symbolic links. */
export function listSourceFiles(root: string): string[] {
  const files = new fdir({ excludeSymlinks: true })
    .withRelativePaths()
    .exclude((dirName, dirPath) => {
      if (!(dirName in SKIPPED_DIRS)) return false;
      // Only the top-level tools/ (and any .git): compare the parent with the root.
      return dirName === '.git' || path.resolve(dirPath, '..') === path.resolve(root);
    })
    .filter((p) => p.endsWith('.h') || p.endsWith('.c'))
    .crawl(root)
    .sync();
  return files.map((f) => f.split(path.sep).join('/')).sort();
}

const DEF_HINT = /\b(TRACE_EVENT|DECLARE_EVENT_CLASS|DECLARE_TRACE|DEFINE_EVENT|TRACE_SYSTEM|TRACE_CUSTOM_EVENT|DECLARE_CUSTOM_EVENT_CLASS)\w*/;
/** A file that #defines the definition macros themselves is the tracing machinery, not a definition. */
const MACHINERY = /^[ \t]*#[ \t]*define[ \t]+(TRACE_EVENT|DECLARE_EVENT_CLASS|DEFINE_EVENT|DECLARE_TRACE|TRACE_CUSTOM_EVENT)[ \t]*\(/m;
const CALL = /\b(?:(?:un)?register_trace_|trace_)(\w+)\s*\(|\bEXPORT_TRACEPOINT_SYMBOL(?:_GPL)?\s*\(\s*(\w+)\s*\)/g;
const PASTE = /\b(?:(?:un)?register_)?trace_(\w*)\s*##\s*\w/g;
const TYPEDEF = /\btypedef\s+([^;{}()]*?[\w*])\s*\b(\w+)\s*;/g;
const DEFINE_CONST = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n\\]+)$/gm;
const ENUM_CONST = /\b([A-Z][A-Z0-9_]+)\s*=\s*([^,}\n;]+?)\s*[,}\n]/g;

export interface FileScan {
  file: string;
  /** Text of a file that may define events (content pre-filter passed, not machinery). */
  defText?: string;
  machinery?: boolean;
  /** `trace_<x>(`-style hits: identifier after the prefix → count. */
  calls?: Record<string, number>;
  /** Prefixes of `trace_<prefix>##…` pastes and the identifiers of the file, to match them. */
  paste?: { prefixes: string[]; idents: string[] };
  /** `#include "x"` targets of a header (resolved relative to it), to find the headers that wrap a trace header. */
  includes?: string[];
  typedefs?: [string, string][];
  constants?: [string, string][];
  error?: string;
}

function isTypeHeader(rel: string): boolean {
  return rel.endsWith('.h') && (rel.startsWith('include/') || rel.startsWith('arch/x86/include/'));
}

export function scanFile(root: string, rel: string): FileScan {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(path.join(root, rel));
  } catch (e) {
    return { file: rel, error: (e as Error).message };
  }
  return scanBuffer(rel, buf);
}

/** The scan of one file's content (also used for files as a patch leaves them, which are not on disk). */
export function scanBuffer(rel: string, buf: Buffer): FileScan {
  const out: FileScan = { file: rel };
  if (rel.endsWith('.h') && buf.includes('#include "')) {
    const incs = new Set<string>();
    for (const m of buf.toString('utf8').matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm)) {
      incs.add(path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]!)));
    }
    if (incs.size) out.includes = [...incs].sort();
  }
  const hasTrace = buf.includes('trace_');
  const hasDef = buf.includes('TRACE_') || buf.includes('_EVENT') || buf.includes('DECLARE_TRACE');
  const typeHeader = isTypeHeader(rel);
  if (!hasTrace && !hasDef && !typeHeader && !(rel.endsWith('.h') && buf.includes('typedef'))) return out;
  const text = buf.toString('utf8');
  if (hasDef && DEF_HINT.test(text)) {
    if (MACHINERY.test(text)) out.machinery = true;
    else out.defText = text;
  }
  if (hasTrace || buf.includes('EXPORT_TRACEPOINT')) {
    const calls: Record<string, number> = {};
    let n = 0;
    for (const m of text.matchAll(CALL)) {
      const id = m[1] ?? m[2]!;
      calls[id] = (calls[id] ?? 0) + 1;
      n++;
    }
    if (n > 0) out.calls = calls;
    if (!out.machinery && text.includes('##')) {
      const prefixes = new Set<string>();
      for (const m of text.matchAll(PASTE)) prefixes.add(m[1]!);
      if (prefixes.size > 0) {
        out.paste = { prefixes: [...prefixes].sort(), idents: [...new Set(text.match(/\b[A-Za-z_]\w*\b/g) ?? [])].sort() };
      }
    }
  }
  if (typeHeader) Object.assign(out, extractDecls(text));
  else if (rel.endsWith('.h') && text.includes('typedef')) {
    // Typedefs of every header (xfs_ino_t, ext4_lblk_t): cheap, and needed by include/trace/events/*.h.
    const t = extractDecls(text).typedefs;
    if (t) out.typedefs = t;
  }
  return out;
}

/** Typedefs and integer constants (`#define X 16`, `X = 16,` in enums) declared in a header's text. */
export function extractDecls(text: string): Pick<FileScan, 'typedefs' | 'constants'> {
  const out: Pick<FileScan, 'typedefs' | 'constants'> = {};
  const tds: [string, string][] = [];
  if (text.includes('typedef')) for (const m of text.matchAll(TYPEDEF)) tds.push([m[2]!, m[1]!.replace(/\s+/g, ' ').replace(/^__extension__ /, '')]);
  if (tds.length) out.typedefs = tds;
  const cs: [string, string][] = [];
  for (const m of text.matchAll(DEFINE_CONST)) {
    const v = m[2]!.replace(/\/\*.*?\*\//g, '').replace(/\/\/.*$/, '').trim();
    if (v && /^[\w\s()+\-*/<>|&~]+$/.test(v) && /\d|[A-Z]/.test(v)) cs.push([m[1]!, v]);
  }
  if (text.includes('enum')) for (const m of text.matchAll(ENUM_CONST)) if (/^[\w\s()+\-*/<>|&~]+$/.test(m[2]!)) cs.push([m[1]!, m[2]!.trim()]);
  if (cs.length) out.constants = cs;
  return out;
}
