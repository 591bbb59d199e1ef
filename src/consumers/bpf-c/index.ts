/**
 * The `.bpf.c` consumer reader: BPF C source (libbpf-tools' `*.bpf.c`, perf's bpf_skel, the kernel's
 * samples/bpf `*_kern.c`) for users who have it. Claims `*.bpf.c` files, and other `.c` files that include
 * bpf_helpers.h or vmlinux.h or define a tracepoint program section (`SEC("tp/...")`) in their first bytes.
 */
import path from 'node:path';
import type { ConsumerFile, ConsumerReader, ConsumerReading } from '../reader.js';
import { analyzeFile } from './analyze.js';
import { parseCFile } from './parse.js';

const PROGRAM_SEC = /\bSEC\s*\(\s*"(?:tp|tracepoint|tp_btf|raw_tp|raw_tracepoint)(?:\.[sw])?[/"]/;

/** The tool a source file belongs to: `biolatency.bpf.c` → `biolatency`, `cpustat_kern.c` → `cpustat_kern`. */
export function toolName(file: string): string {
  return path.basename(file).replace(/\.bpf\.c$/, '').replace(/\.c$/, '');
}

export const bpfCReader: ConsumerReader = {
  family: 'bpf-c',
  detect(file: string, head: Buffer): boolean {
    if (file.endsWith('.bpf.c')) return true;
    if (!file.endsWith('.c')) return false;
    // A BPF program's includes come first; its first SEC may be further down than the head.
    const text = head.toString('latin1');
    return PROGRAM_SEC.test(text) || /#include\s*[<"](?:bpf\/bpf_helpers\.h|vmlinux\.h)[>"]/.test(text);
  },
  read(file: ConsumerFile): ConsumerReading {
    const text = file.data.toString('utf8');
    const parsed = parseCFile(text);
    const { uses, problems } = analyzeFile(parsed);
    const tool = toolName(file.path);
    return {
      tools: [{ tool, family: 'bpf-c', file: file.path }],
      uses: uses.map((u) => ({ tool, family: 'bpf-c' as const, file: file.path, ...u })),
      problems: [...parsed.problems, ...problems].sort((a, b) => a.line - b.line).map((p) => ({ file: file.path, line: p.line, message: p.message })),
    };
  },
};
