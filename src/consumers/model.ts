/**
 * Consumers: programs that read trace events (bpftrace scripts, bcc tools, libbpf-tools objects, declared
 * manifests). They are not kernel sources: what a consumer reader yields is a list of *uses*, each one thing a
 * program depends on and how it reads it, so that a kernel change can be turned into "this tool, at this line,
 * breaks".
 */

/** How a program attaches: to the trace event (tracefs record layout) or to the raw tracepoint (TP_PROTO). */
export type AttachKind = 'tracefs' | 'raw_tp' | 'tp_btf';

/**
 * How a use reads what it names:
 * - `by-name`: looks the field up by name at load time (bpftrace `args.f`, bcc TRACEPOINT_PROBE, CO-RE):
 *   survives moved offsets and appended fields;
 * - `fixed-offset`: a hand-written struct or a compiled offset: breaks on any move of what it reads;
 * - `positional`: a TP_PROTO argument by index (raw_tp, tp_btf, `ctx->args[i]`);
 * - `exists-only`: needs the event (or field) to exist, reads nothing of it;
 * - `print-text`: parses the printed trace text (perf script, powertop of old).
 */
export type ReadMode = 'by-name' | 'fixed-offset' | 'positional' | 'exists-only' | 'print-text';

export type ConsumerFamily = 'bpftrace' | 'bcc' | 'libbpf' | 'bpf-c' | 'manifest';

export interface Use {
  /** The tool's name as its users know it (`opensnoop.bt`, `biolatency-bpfcc`, `biolatency`). */
  tool: string;
  family: ConsumerFamily;
  /** The file the use was read from, as given on the command line (or below a given folder). */
  file: string;
  /** The line in that file (or in the embedded source the line info names), when known. */
  line?: number;
  /** `system:name`; a raw tracepoint with no system is `:name`. May be a glob (`syscalls:sys_enter_*`). */
  event: string;
  attach: AttachKind;
  /** A record field, for tracefs attaches. */
  field?: string;
  /** A TP_PROTO argument index, for raw_tp/tp_btf attaches. */
  arg?: number;
  /** The type the program expects the field or argument to have, when it says. */
  type?: string;
  /** For fixed-offset reads: where and how much it reads. */
  offset?: number;
  size?: number;
  read: ReadMode;
  /** How the program copes when this is missing (`BPF.tracepoint_exists`, `bpf_core_field_exists`, a kprobe fallback). */
  guarded?: string;
  /** For print-text reads: the TP_printk format text the program parses. */
  print?: string;
  /** A kernel-version gate the program chose this use by (e.g. `LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 11, 0)`). */
  gate?: string;
  /**
   * The same gate as the kernel releases it selects: the use is taken on a kernel whose version is at least
   * `from` and below `below` (either may be absent). Uses of one program and event with different ranges are
   * alternatives of each other (e.g. `ctx[1]` below 5.11.0, `ctx[0]` from 5.11.0 on).
   */
  gateRange?: VersionRange;
  /** The BPF program (libbpf, .bpf.c: its function name) the use belongs to. */
  program?: string;
  /**
   * The C struct the program reads the record through, when it says (`trace_event_raw_sched_switch`): a CO-RE
   * reader relocates against the kernel's struct of that name, so the event's class must still be called that.
   */
  struct?: string;
  /** The access path within `struct` when it is not just `field` (`args[1]`, `prev_comm[0]`). */
  member?: string;
  /** The source file a line number refers to when it is not `file` (a binary's embedded line info). */
  source?: string;
}

/** Kernel releases as `major.minor.patch`; `from` inclusive, `below` exclusive. */
export interface VersionRange {
  from?: string;
  below?: string;
}

/** Something a consumer reader could not read: reported, never silently skipped. */
export interface ConsumerProblem {
  file: string;
  line?: number;
  message: string;
}

export interface ConsumerTool {
  tool: string;
  family: ConsumerFamily;
  file: string;
}

export interface ConsumerInventory {
  tools: ConsumerTool[];
  uses: Use[];
  problems: ConsumerProblem[];
}
