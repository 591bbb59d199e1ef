#!/usr/bin/env node
// Fetches the Debian bookworm consumer packages the consumer tests and docs/consumers.md read: bcc's Python
// tools (bpfcc-tools), bpftrace's scripts (bpftrace) and the libbpf-tools binaries, into
// ${TPDRIFT_KERNEL_CACHE:-$HOME/.cache/tpdrift}: debs/ holds the .debs, consumers/<pkg>/ the unpacked package
// (dpkg-deb -x). Idempotent: an unpack is complete when its marker file exists (written last), so a
// half-unpacked one is removed and unpacked again (scripts/lib/apt.mjs: the download, that check and the
// unpack). Needs apt-get (with `apt-get update` done) and dpkg-deb.
// Never commit what it fetches.
import path from 'node:path';
import { cacheDir, ensureUnpacked } from './lib/apt.mjs';

export const CONSUMER_PACKAGES = [
  { pkg: 'bpfcc-tools', version: '0.26.0+ds-1' },
  { pkg: 'bpftrace', version: '0.17.0-1' },
  { pkg: 'libbpf-tools', version: '0.26.0+ds-1' },
];
const consumers = path.join(cacheDir, 'consumers');

for (const k of CONSUMER_PACKAGES) {
  ensureUnpacked(k, { dest: path.join(consumers, k.pkg), label: k.pkg });
}
