/** Which consumers a report command checks: `--consumers` paths, else the config file's `consumers` list. */
import path from 'node:path';
import type { ConsumerInventory } from '../consumers/model.js';
import { findConfigFile } from '../config/load.js';
import { readJsonFile } from '../config/validate.js';
import type { Io } from './context.js';

/** A path from the command line: kept as given (so reports name files as the user wrote them) when relative to the process's own directory. */
export function givenPath(p: string, io: Pick<Io, 'cwd'>): string {
  return path.isAbsolute(p) || path.resolve(io.cwd) === process.cwd() ? p : path.join(io.cwd, p);
}

/** Paths from the config file are relative to the file; from the command line, to the working directory. */
export function consumerPaths(a: { consumers?: string[]; config?: string }, io: Pick<Io, 'cwd'>): string[] {
  if (a.consumers && a.consumers.length > 0) return a.consumers.map((p) => givenPath(p, io));
  const file = findConfigFile(a.config, io.cwd);
  if (!file) return [];
  // reportConfig has validated the file against the schema already.
  const data = readJsonFile(file) as { consumers?: string[] };
  return (data.consumers ?? []).map((p) => path.relative(process.cwd(), path.resolve(path.dirname(file), p)) || '.');
}

export async function loadConsumers(a: { consumers?: string[]; config?: string }, io: Pick<Io, 'cwd'>): Promise<ConsumerInventory | undefined> {
  const paths = consumerPaths(a, io);
  if (paths.length === 0) return undefined;
  const { readConsumers } = await import('../consumers/read.js');
  return readConsumers(paths);
}
