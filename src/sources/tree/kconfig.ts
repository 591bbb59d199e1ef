/**
 * A kernel configuration (`.config`, a linux-image package's `boot/config-<release>`; `--kconfig`): what it
 * sets decides the tree's CONFIG_ conditions for that one build. As the preprocessor sees it:
 * `CONFIG_X=y` defines CONFIG_X, `CONFIG_X=m` defines CONFIG_X_MODULE (not CONFIG_X), a string or number
 * defines CONFIG_X; `# CONFIG_X is not set` and an option the file does not name are unset. IS_ENABLED,
 * IS_BUILTIN and IS_MODULE follow from that (./x86-64-config.ts's evaluateCondition).
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { KconfigTruth } from './x86-64-config.js';

export interface Kconfig {
  /** What the snapshot records (the file's name, not where it lives: output must not depend on the path). */
  label: string;
  /** `CONFIG_X` → its value as written (`y`, `m`, `"string"`, `0x10`). */
  values: ReadonlyMap<string, string>;
  /** The file's text, for the defconfig-style reading of struct bodies (./aggregate.ts readDefconfig). */
  text: string;
}

const SET = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const UNSET = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/;
const VALUE = /^(?:[ynm]|"(?:[^"\\]|\\.)*"|-?\d+|0[xX][0-9a-fA-F]+)$/;

export function readKconfig(file: string): Kconfig {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new InputError(file, 'is a directory, not a kernel .config');
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message);
  }
  return parseKconfig(text, file);
}

export function parseKconfig(text: string, file: string): Kconfig {
  const values = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const set = SET.exec(line);
    if (set) {
      if (!VALUE.test(set[2]!)) throw new InputError(file, `${set[1]}: '${shorten(set[2]!)}' is not a .config value (y, m, n, a number or a "string")`, i + 1);
      values.set(set[1]!, set[2]!);
      return;
    }
    const unset = UNSET.exec(line);
    if (unset) {
      values.delete(unset[1]!);
      return;
    }
    if (line.startsWith('#')) return;
    throw new InputError(file, `not a .config line (CONFIG_NAME=value, # CONFIG_NAME is not set, or a comment): '${shorten(line)}'`, i + 1);
  });
  if (values.size === 0 && !lines.some((l) => UNSET.test(l.replace(/\r$/, '')))) {
    throw new InputError(file, 'no CONFIG_ line: not a kernel .config');
  }
  return { label: path.basename(file), values, text };
}

function shorten(s: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = s.replace(/[\u0000-\u001f\u007f-\uffff]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

/** The configuration's answer for `CONFIG_X` / `CONFIG_X_MODULE` as `defined(...)` sees them: always true or false. */
export function kconfigTruth(k: Kconfig): KconfigTruth {
  return (name) => {
    const v = k.values.get(name);
    if (v !== undefined) return v !== 'n' && v !== 'm';
    const base = /^(CONFIG_\w+)_MODULE$/.exec(name);
    if (base) return k.values.get(base[1]!) === 'm';
    return false;
  };
}
