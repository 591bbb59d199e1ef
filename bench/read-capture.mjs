// The capture extract without start-up: prints the milliseconds one loadTracefs() of a capture directory
// takes in a fresh process (the first call, cold code, as a one-shot command pays it), after the module
// graph is loaded. Run by scripts/bench.mjs, alternated with libtraceevent's whole process.
import { performance } from 'node:perf_hooks';
import module from 'node:module';

module.enableCompileCache?.();
const { loadTracefs } = await import('../dist/src/sources/tracefs/reader.js');
const t0 = performance.now();
const snap = await loadTracefs(process.argv[2]);
const ms = performance.now() - t0;
if (snap.events.length < 1000) throw new Error(`read-capture: only ${snap.events.length} events`);
process.stdout.write(`${ms.toFixed(1)}\n`);
