/** Real captures for tests: the 6.18.44 x86_64 tracefs archive and the 28 public captures, unpacked once. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCaptureFiles, type CaptureFiles } from '../../src/sources/tracefs/reader.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const CAPTURE_6_18 = path.join(FIXTURES, 'tracefs-linux-6.18.44-x86_64.tar.gz');
export const PUBLIC_CAPTURES = path.join(FIXTURES, 'tracefs-captures-public.tar.xz');

let cached: CaptureFiles | undefined;

/** The 6.18.44 capture's files, read once per test file (callers get their own copy to edit). */
export async function capture618(): Promise<CaptureFiles> {
  cached ??= await readCaptureFiles(CAPTURE_6_18);
  return { label: cached.label, files: new Map(cached.files) };
}

/** Unpacks the public captures (a .tar.xz: Node has no xz, so the test uses the system tar). */
export function unpackPublicCaptures(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-public-'));
  execFileSync('tar', ['-xJf', PUBLIC_CAPTURES, '-C', dir]);
  return dir;
}

/** Unpacks the 6.18 capture to a directory, for tests that need files on disk. */
export function unpackCapture618(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tpdrift-618-'));
  execFileSync('tar', ['-xzf', CAPTURE_6_18, '-C', dir]);
  return dir;
}

/** Edits one format file of a capture in place (text → text). */
export function editFormat(c: CaptureFiles, key: string, edit: (text: string) => string): void {
  const k = `events/${key.replace(':', '/')}/format`;
  const text = c.files.get(k);
  if (!text) throw new Error(`no ${k} in capture`);
  const out = edit(text.toString('utf8'));
  if (out === text.toString('utf8')) throw new Error(`edit of ${k} changed nothing`);
  c.files.set(k, Buffer.from(out));
}
