/** Reads a BTF source (file or unpacked kernel package) into a snapshot of kind 'btf'. */
import fs from 'node:fs';
import path from 'node:path';
import { makeSnapshot } from '../../model/canonical.js';
import type { EventDef, Problem, Snapshot } from '../../model/snapshot.js';
import type { LoadOptions } from '../source.js';
import { commonFields, extractEvents } from './extract.js';
import { type KernelBtf, packageLayout, readKernelFile, readModules } from './read.js';

export async function loadBtf(arg: string, opts: LoadOptions = {}): Promise<Snapshot> {
  const problems: Problem[] = [];
  const events: EventDef[] = [];
  let kernel: KernelBtf;
  const isDir = fs.statSync(arg).isDirectory();
  const seen = new Map<string, string>();
  const add = (list: EventDef[], where: string) => {
    for (const e of list) {
      const first = seen.get(e.name);
      if (first !== undefined) {
        problems.push({ file: where, message: `tracepoint ${e.name} is also defined in ${first}: the first one is kept` });
        continue;
      }
      seen.set(e.name, where);
      events.push(e);
    }
  };
  if (isDir) {
    const layout = packageLayout(arg);
    kernel = await readKernelFile(path.join(arg, layout.vmlinuz));
    kernel.release ??= layout.release;
    const own = extractEvents(kernel.btf, layout.vmlinuz, kernel.sameClass ? { sameClass: kernel.sameClass } : {});
    add(own.events, layout.vmlinuz);
    problems.push(...own.problems);
    await readModules(
      arg,
      layout.modules,
      kernel.btf,
      (m) => {
        const r = extractEvents(m.btf, m.file, { classOf: m.classOf });
        add(r.events, m.file);
        problems.push(...r.problems);
      },
      problems,
      opts.onProgress,
    );
  } else {
    kernel = await readKernelFile(arg);
    const own = extractEvents(kernel.btf, path.basename(arg), kernel.sameClass ? { sameClass: kernel.sameClass } : {});
    add(own.events, path.basename(arg));
    problems.push(...own.problems);
  }
  const common = commonFields(kernel.btf);
  if (!common) problems.push({ file: path.basename(arg), message: 'no struct trace_entry in the BTF: the common fields are unknown' });
  return makeSnapshot({
    kernel: { source: arg, kind: 'btf', ...(kernel.release ? { release: kernel.release } : {}), ...(kernel.arch ? { arch: kernel.arch } : {}) },
    header: { common: common ?? [] },
    events,
    problems,
  });
}
