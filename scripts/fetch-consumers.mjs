#!/usr/bin/env node
// Fetches the Debian bookworm consumer packages the consumer tests and docs/consumers.md read: bcc's Python
// tools (bpfcc-tools), bpftrace's scripts (bpftrace) and the libbpf-tools binaries, into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, consumers/<pkg>/ the unpacked package
// (dpkg-deb -x). Idempotent: an unpack is complete when its marker file exists (written last), so a
// half-unpacked one is removed and unpacked again. Needs apt-get (with `apt-get update` done) and dpkg-deb.
// Never commit what it fetches.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CONSUMER_PACKAGES = [
  { pkg: 'bpfcc-tools', version: '0.26.0+ds-1' },
  { pkg: 'bpftrace', version: '0.17.0-1' },
  { pkg: 'libbpf-tools', version: '0.26.0+ds-1' },
];
const MARKER = '.tpdrift-complete';

const cache = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');
const debs = path.join(cache, 'debs');
const consumers = path.join(cache, 'consumers');
fs.mkdirSync(debs, { recursive: true });
fs.mkdirSync(consumers, { recursive: true });

const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });

function debFile(k) {
  // apt-get download names files <pkg>_<version with ':' escaped>_<arch>.deb
  const enc = k.version.replace(/:/g, '%3a');
  return fs.readdirSync(debs).find((f) => f.startsWith(`${k.pkg}_${enc}_`) && f.endsWith('.deb'));
}

for (const k of CONSUMER_PACKAGES) {
  const dest = path.join(consumers, k.pkg);
  const marker = path.join(dest, MARKER);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === `${k.pkg}=${k.version}`) {
    console.log(`${k.pkg}: already there (${k.pkg}=${k.version})`);
    continue;
  }
  let deb = debFile(k);
  if (!deb) {
    console.log(`${k.pkg}=${k.version}: downloading`);
    run('apt-get', ['download', `${k.pkg}=${k.version}`], { cwd: debs });
    deb = debFile(k);
    if (!deb) throw new Error(`apt-get download ${k.pkg}=${k.version} left no .deb in ${debs}`);
  }
  console.log(`${k.pkg}: unpacking ${deb}`);
  fs.rmSync(dest, { recursive: true, force: true });
  const work = fs.mkdtempSync(path.join(consumers, `.${k.pkg}.`));
  try {
    run('dpkg-deb', ['-x', path.join(debs, deb), work]);
    fs.renameSync(work, dest);
    fs.writeFileSync(marker, `${k.pkg}=${k.version}\n`);
    console.log(`${k.pkg}: done`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
