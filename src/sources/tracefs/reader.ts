/**
 * tracefs as a source: a directory holding `events/<system>/<event>/format` (a copy, the live
 * /sys/kernel/tracing, or the `events/` directory itself), or a `.tar`/`.tar.gz` of one.
 * Strict: a format file that cannot be read stops the run with its name and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventDef, Field, Header, Snapshot } from '../../model/snapshot.js';
import { isCommonField } from '../../model/snapshot.js';
import { makeSnapshot } from '../../model/canonical.js';
import { InputError } from '../../errors.js';
import { parseFieldLine, parseFormat } from './format.js';

/** A format file is a few KB; a megabyte is a corrupt or hostile input. */
const MAX_FILE_BYTES = 1 << 20;
/** An archive of a whole tracefs is a few MB unpacked; this caps what a hostile archive can cost. */
const MAX_ARCHIVE_BYTES = 256 << 20;

/** The files of a capture, by path relative to the directory that holds `events/`. */
export interface CaptureFiles {
  label: string;
  files: Map<string, Buffer>;
}

export function isTarPath(p: string): boolean {
  return /\.(tar|tar\.gz|tgz)$/i.test(p);
}

/** Reads a capture from a directory or an archive into memory (format files and headers only). */
export async function readCaptureFiles(input: string): Promise<CaptureFiles> {
  let st: fs.Stats;
  try {
    st = fs.statSync(input);
  } catch (e) {
    throw new InputError(input, describeFsError(e));
  }
  if (st.isFile()) {
    if (!isTarPath(input)) throw new InputError(input, 'a file, but not a .tar/.tar.gz archive (tracefs sources are directories or archives)');
    return { label: input, files: await readTar(input) };
  }
  if (!st.isDirectory()) throw new InputError(input, 'neither a directory nor an archive');
  return { label: input, files: readDirectory(input) };
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'not a directory';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EISDIR': return 'is a directory';
    default: return (e as Error).message;
  }
}

// O_NOFOLLOW: a linked file is refused (ELOOP), not followed; its parent directories were listed and checked
// already. O_NONBLOCK: a FIFO planted where a file belongs cannot hang the open; fstat then refuses it.
const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
/** One read buffer for every file of a capture (one byte over the cap, to tell a file at the cap from a larger one). */
let readBuffer: Buffer | undefined;

/**
 * A capture file's bytes, read through one descriptor (open, fstat, read, close: two system calls fewer per
 * file than lstat + readFile). `undefined` when the file does not exist and `missing` allows that.
 */
function readCaptureFile(file: string): Buffer;
function readCaptureFile(file: string, missing: 'absent'): Buffer | undefined;
function readCaptureFile(file: string, missing: 'error' | 'absent' = 'error'): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && missing === 'absent') return undefined;
    throw new InputError(file, code === 'ELOOP' ? 'symbolic link: not followed' : describeFsError(e));
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new InputError(file, 'not a regular file');
    // tracefs reports size 0 for every file and hands out a page per read: read to the end, up to the cap.
    const buf = (readBuffer ??= Buffer.allocUnsafe(MAX_FILE_BYTES + 1));
    let length = 0;
    while (length < buf.length) {
      const got = fs.readSync(fd, buf, length, buf.length - length, null);
      if (got === 0) break;
      length += got;
    }
    if (length > MAX_FILE_BYTES) throw new InputError(file, `larger than ${MAX_FILE_BYTES} bytes: not a format file`);
    return Buffer.from(buf.subarray(0, length));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, describeFsError(e));
  } finally {
    fs.closeSync(fd);
  }
}

/** `root` is the directory holding `events/`, or `events/` itself. Symbolic links are never followed. */
function readDirectory(root: string): Map<string, Buffer> {
  const events = fs.existsSync(path.join(root, 'events')) ? path.join(root, 'events') : root;
  const prefix = 'events';
  const files = new Map<string, Buffer>();
  const list = (dir: string): fs.Dirent[] => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(dir, describeFsError(e));
    }
  };
  // A linked system or event directory is neither followed nor silently dropped (its events would read as removed).
  const noLink = (entry: fs.Dirent, dir: string): void => {
    if (entry.isSymbolicLink()) throw new InputError(path.join(dir, entry.name), 'symbolic link: not followed');
  };
  for (const sys of list(events)) {
    noLink(sys, events);
    if (sys.isFile() && (sys.name === 'header_page' || sys.name === 'header_event')) {
      files.set(`${prefix}/${sys.name}`, readCaptureFile(path.join(events, sys.name)));
      continue;
    }
    if (!sys.isDirectory()) continue;
    const sysDir = path.join(events, sys.name);
    for (const ev of list(sysDir)) {
      noLink(ev, sysDir);
      if (ev.isFile() && ev.name === 'format') {
        // Not where tracefs puts formats; kept so that the snapshot can say it was not read.
        files.set(`${prefix}/${sys.name}/format`, Buffer.alloc(0));
        continue;
      }
      if (!ev.isDirectory()) continue;
      const format = readCaptureFile(path.join(sysDir, ev.name, 'format'), 'absent');
      // An event directory without a format file (e.g. `enable` only) is not an event.
      if (format) files.set(`${prefix}/${sys.name}/${ev.name}/format`, format);
    }
  }
  const version = path.join(root, 'VERSION');
  const versionFile = events !== root ? readCaptureFile(version, 'absent') : undefined;
  if (versionFile) files.set('VERSION', versionFile);
  return files;
}

async function readTar(file: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let total = 0;
  let problem: InputError | undefined;
  // Loaded on demand: only archives need it, and most runs read directories or snapshots.
  const tar = await import('tar');
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const member = entry.path;
        if (problem) return entry.resume();
        if (member.startsWith('/') || member.split('/').includes('..')) {
          problem = new InputError(file, `archive member '${member}' points outside the archive`);
          return entry.resume();
        }
        if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
          problem = new InputError(file, `archive member '${member}' is a link: not followed`);
          return entry.resume();
        }
        if (entry.type !== 'File' && entry.type !== 'OldFile') return entry.resume();
        const rel = relativeToCaptureRoot(member);
        if (rel === undefined) return entry.resume();
        if ((entry.size ?? 0) > MAX_FILE_BYTES) {
          problem = new InputError(file, `archive member '${member}' is larger than ${MAX_FILE_BYTES} bytes`);
          return entry.resume();
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => {
          total += c.length;
          chunks.push(c);
        });
        entry.on('end', () => {
          if (total > MAX_ARCHIVE_BYTES) problem ??= new InputError(file, `archive holds more than ${MAX_ARCHIVE_BYTES} bytes of format files`);
          files.set(rel, Buffer.concat(chunks));
        });
      },
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    const why =
      err.code === 'Z_BUF_ERROR' ? 'truncated archive (gzip stream ends early)'
      : /Truncated/.test(err.message) ? 'truncated archive'
      : err.code === 'TAR_BAD_ARCHIVE' ? 'not a tar archive'
      : err.code === 'TAR_ENTRY_INVALID' ? 'not a tar archive (invalid member header)'
      : err.code !== undefined && /^E[A-Z]+$/.test(err.code) ? describeFsError(err)
      : err.message;
    throw new InputError(file, why);
  }
  if (problem) throw problem;
  return files;
}

/** `a/b/events/sched/x/format` → `events/sched/x/format`; archives may hold the capture under a folder. */
function relativeToCaptureRoot(member: string): string | undefined {
  const parts = member.replace(/^\.\//, '').split('/').filter((p) => p !== '' && p !== '.');
  const i = parts.lastIndexOf('events', parts.length - 2);
  if (parts[parts.length - 1] === 'VERSION' && parts.length <= 2) return 'VERSION';
  if (i < 0) return undefined;
  const rest = parts.slice(i);
  const isFormat = (rest.length === 4 || rest.length === 3) && rest[rest.length - 1] === 'format';
  const isHeader = rest.length === 2 && (rest[1] === 'header_page' || rest[1] === 'header_event');
  return isFormat || isHeader ? rest.join('/') : undefined;
}

function decode(buf: Buffer, file: string): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  if (text.includes('\uFFFD')) throw new InputError(file, 'not valid UTF-8 text');
  return text;
}

/** Builds a snapshot from a capture's files. Pure apart from its input. */
export function snapshotFromCapture(capture: CaptureFiles): Snapshot {
  const events: EventDef[] = [];
  const commonSets = new Map<string, { fields: Field[]; count: number }>();
  const perEventCommon: Array<{ fields: Field[]; sig: string }> = [];
  const formatKeys = [...capture.files.keys()].filter((k) => k.endsWith('/format')).sort();
  const keys = formatKeys.filter((k) => k.split('/').length === 4);
  const problems = formatKeys
    .filter((k) => k.split('/').length !== 4)
    .map((k) => ({ file: k, message: 'a format file outside events/<system>/<event>/: not an event, not read' }));
  if (keys.length === 0) throw new InputError(capture.label, 'no events/<system>/<event>/format files found');
  for (const key of keys) {
    const [, system, dirName] = key.split('/');
    const label = `${capture.label}:${key}`;
    const parsed = parseFormat(decode(capture.files.get(key)!, label), label);
    if (parsed.name !== dirName) throw new InputError(label, `names event '${parsed.name}' but lives in directory '${dirName}'`);
    const common = parsed.fields.filter((f) => isCommonField(f.name));
    const fields = parsed.fields.filter((f) => !isCommonField(f.name));
    const sig = JSON.stringify(common);
    const entry = commonSets.get(sig) ?? { fields: common, count: 0 };
    entry.count++;
    commonSets.set(sig, entry);
    perEventCommon.push({ fields: common, sig });
    const ev: EventDef = { system: system!, name: parsed.name, kind: system === 'syscalls' ? 'syscall' : 'event', fields };
    if (parsed.id !== undefined) ev.id = parsed.id;
    if (parsed.print) ev.print = parsed.print;
    events.push(ev);
  }
  // The header is what most events start with; an event that differs keeps its own (never seen in practice).
  const [majority] = [...commonSets.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  const header: Header = { common: majority![1].fields };
  events.forEach((ev, i) => {
    if (perEventCommon[i]!.sig !== majority![0]) ev.common = perEventCommon[i]!.fields;
  });
  const page = capture.files.get('events/header_page');
  if (page) header.page = parseHeaderPage(decode(page, `${capture.label}:events/header_page`), `${capture.label}:events/header_page`);
  const hevent = capture.files.get('events/header_event');
  if (hevent) {
    header.event = decode(hevent, `${capture.label}:events/header_event`)
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter((l) => l !== '');
  }
  const version = parseVersion(capture.files.get('VERSION'));
  return makeSnapshot({
    kernel: { kind: 'tracefs', source: path.basename(capture.label), ...version },
    header,
    events,
    problems,
  });
}

function parseHeaderPage(text: string, file: string): Field[] {
  return text
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ line, no }) => parseFieldLine(line, file, no));
}

/** The `VERSION` file tpdrift's own captures carry (`release: …`, `arch: …`). */
function parseVersion(buf: Buffer | undefined): { release?: string; arch?: string } {
  if (!buf) return {};
  const out: { release?: string; arch?: string } = {};
  for (const line of buf.toString('utf8').split('\n')) {
    const m = /^(release|arch):\s*(\S+)/.exec(line);
    if (m) out[m[1] as 'release' | 'arch'] = m[2]!;
  }
  return out;
}

export async function loadTracefs(input: string): Promise<Snapshot> {
  return snapshotFromCapture(await readCaptureFiles(input));
}
