#!/usr/bin/env node
import module from 'node:module';

// Node 22.1 and later keep V8's compiled code of the CLI's modules in a cache on disk (the OS temp
// directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): the next start-up skips
// compiling them. Node 20 has no such cache and starts as before.
module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');

// `tpdrift … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
