/**
 * Reading patches: plain unified diffs, `git diff` output and `git format-patch` mails (one or a series),
 * parsed with the `diff` package. Pure: text in, file patches out; errors name the file and line.
 */
import { parsePatch, type StructuredPatch } from 'diff';
import { InputError } from '../errors.js';

export interface FilePatch {
  /** Path in the tree the patch applies to before (null: the patch creates the file). */
  oldPath: string | null;
  /** Path after (null: the patch deletes the file). */
  newPath: string | null;
  patch: StructuredPatch;
  /** Where it came from, for messages: `file` (and the mail's subject in a series). */
  source: string;
}

const MAIL_START = /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/m;

/** Splits a `git format-patch` series (or one mail, or a plain diff) into its parts. */
export function splitMails(text: string): string[] {
  if (!MAIL_START.test(text)) return [text];
  const parts = text.split(/^(?=From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$)/m);
  return parts.filter((p) => MAIL_START.test(p));
}

/** Drops the mail signature (`-- ` and the git version after it), which would read as a removed line. */
function stripSignature(mail: string): string {
  const lines = mail.split('\n');
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 6); i--) {
    if (lines[i] === '-- ') return lines.slice(0, i).join('\n') + '\n';
  }
  return mail;
}

function subjectOf(mail: string): string | undefined {
  return /^Subject: (.*)$/m.exec(mail)?.[1];
}

/** `a/include/x.h` → `include/x.h`; `/dev/null` → null. */
function treePath(name: string | undefined): string | null {
  if (name === undefined || name === '/dev/null') return null;
  const clean = name.replace(/\t.*$/, '').trim();
  if (clean === '/dev/null') return null;
  return clean.replace(/^[ab]\//, '');
}

export function readPatchText(text: string, file: string): FilePatch[] {
  if (text.includes('\0')) throw new InputError(file, 'binary data (NUL byte): not a patch');
  const out: FilePatch[] = [];
  for (const mail of splitMails(text.replace(/\r\n/g, '\n'))) {
    const subject = subjectOf(mail);
    let patches: StructuredPatch[];
    try {
      patches = parsePatch(stripSignature(mail));
    } catch (e) {
      const m = /at line (\d+)/.exec((e as Error).message);
      const offset = text.indexOf(mail) >= 0 ? text.slice(0, text.indexOf(mail)).split('\n').length - 1 : 0;
      throw new InputError(file, `not a valid unified diff: ${(e as Error).message.replace(/^Hunk at line \d+ /, 'hunk ')}`, m ? Number(m[1]) + offset : undefined);
    }
    for (const p of patches) {
      if (p.hunks.length === 0 && p.oldFileName === undefined && p.newFileName === undefined) continue;
      // Hunks with neither a `---` nor a `+++` name (a mangled header) apply to no file: not a crash, an error.
      if (treePath(p.oldFileName) === null && treePath(p.newFileName) === null) {
        throw new InputError(file, 'hunks without a file name (no valid ---/+++ header lines)');
      }
      const fp: FilePatch = {
        oldPath: treePath(p.oldFileName),
        newPath: treePath(p.newFileName),
        patch: p,
        source: subject ? `${file} (${subject})` : file,
      };
      for (const pth of [fp.oldPath, fp.newPath]) {
        if (pth !== null && (pth.startsWith('/') || pth.split('/').includes('..'))) {
          throw new InputError(file, `patch touches '${pth}', outside the tree`);
        }
      }
      out.push(fp);
    }
  }
  if (out.length === 0) throw new InputError(file, 'no file changes found: not a unified diff or git patch');
  return out;
}
