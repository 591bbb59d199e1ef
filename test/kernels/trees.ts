/** Where the Debian kernel trees live (scripts/fetch-kernels.mjs puts them there). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CACHE = process.env.TPDRIFT_KERNEL_CACHE || path.join(os.homedir(), '.cache', 'tpdrift');

export interface KernelTree {
  id: string;
  dir: string;
  release: string;
  /** The committed snapshot a fresh extraction must equal (snapshots/), for the trees the README's examples use. */
  snapshot?: string;
}

export const TREES: readonly KernelTree[] = [
  { id: '6.12', dir: 'linux-source-6.12', snapshot: 'debian-linux-source-6.12.117.json.gz', release: '6.12.117' },
  { id: '6.1', dir: 'linux-source-6.1', snapshot: 'debian-linux-source-6.1.176.json.gz', release: '6.1.176' },
  // Debian sid (scripts/fetch-kernels.mjs fetches it through a sources list of its own).
  { id: '7.2', dir: 'linux-source-7.2', release: '7.2.13' },
];

export function treePath(dir: string): string {
  const p = path.join(CACHE, 'trees', dir);
  if (!fs.existsSync(path.join(p, 'Makefile')) || !fs.existsSync(path.join(p, 'include', 'trace', 'events'))) {
    throw new Error(`kernel tree ${p} is missing: run \`npm run kernels\` first (it downloads Debian's linux-source packages)`);
  }
  return p;
}
